import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const loggerModule = fileURLToPath(new URL('../../src/serve/logger.js', import.meta.url));

test('a quiet process shows a log line within about a second, without waiting for the buffer to fill', async () => {
  // One line, then the process idles: the line must not sit in the 4 KiB batch buffer.
  const script = `const { createLogger } = await import(${JSON.stringify(loggerModule)}); createLogger('info').error({ code: 'X' }, 'something failed'); setTimeout(() => {}, 5000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = Date.now();
  try {
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      setTimeout(() => reject(new Error('no log line within 3 s')), 3000).unref();
    });
    assert.match(line, /"msg":"something failed"/);
    assert.ok(Date.now() - started < 3000);
  } finally {
    child.kill();
  }
});
