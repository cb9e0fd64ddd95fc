import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const loggerModule = fileURLToPath(new URL('../../src/runtime/logger.js', import.meta.url));

test('a quiet process shows a log line within about a second, without waiting for the buffer to fill', async () => {
  // One line, then the process idles for a minute: the line must not sit in the 4 KiB batch buffer
  // until the process exits (which flushes it). The bound is far from both a second and a minute, so
  // a slow, loaded machine still passes and a buffer that waits for exit still fails.
  const script = `const { createLogger } = await import(${JSON.stringify(loggerModule)}); createLogger('info').error({ code: 'X' }, 'something failed'); setTimeout(() => {}, 60000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = Date.now();
  try {
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      setTimeout(() => reject(new Error('no log line within 20 s')), 20_000).unref();
    });
    assert.match(line, /"msg":"something failed"/);
    assert.ok(Date.now() - started < 20_000);
  } finally {
    child.kill();
  }
});
