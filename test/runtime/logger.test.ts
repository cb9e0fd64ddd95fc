import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { LOG_WAIT_MS } from '../../src/runtime/log-batch.js';

const loggerModule = fileURLToPath(new URL('../../src/runtime/logger.js', import.meta.url));

test('a quiet process shows its log line without waiting for the buffer to fill or the process to exit', async () => {
  // One line, far short of a full 16 KiB batch, then the process kills itself with SIGKILL, which runs no
  // exit handler: the line reaches stdout only if it was written before (at once, a quiet process's line; the
  // batch's timer is the bound). The kill comes five of the longest waits after the line, so a slow, loaded
  // machine still passes and a buffer that waits for exit (or for more lines) fails.
  const killAfterMs = 5 * LOG_WAIT_MS;
  const script =
    `const { createLogger } = await import(${JSON.stringify(loggerModule)}); ` +
    `createLogger('info').error({ code: 'X' }, 'something failed'); ` +
    `setTimeout(() => process.kill(process.pid, 'SIGKILL'), ${killAfterMs});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  assert.deepEqual([code, signal], [null, 'SIGKILL'], 'the process died without running its exit flush');
  assert.match(stdout, /"msg":"something failed"/);
});
