import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const loggerModule = fileURLToPath(new URL('../../src/runtime/logger.js', import.meta.url));

async function linesOf(script: string): Promise<string[]> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await once(child, 'close');
  return stdout.split('\n').filter((l) => l !== '');
}

test('batched log lines all arrive, whole and in order, across batches and turns, and at an exit in the middle of a write', async () => {
  // 20,000 lines of ~120 bytes: many 16 KiB batches, some written in the same turn, the last ones still
  // pending or in flight when process.exit runs the synchronous flush.
  const lines = await linesOf(
    `const { createLogger } = await import(${JSON.stringify(loggerModule)}); const log = createLogger('info');` +
      `for (let i = 0; i < 10000; i++) log.info({ i }, 'line');` +
      `await new Promise((r) => setImmediate(r));` +
      `for (let i = 10000; i < 20000; i++) log.info({ i }, 'line');` +
      `process.exit(0);`,
  );
  const numbers = lines.map((l) => (JSON.parse(l) as { i: number }).i);
  // A batch in flight at exit may be written twice (never lost): keep each number's first appearance.
  let highest = -1;
  const distinct = numbers.filter((n) => (n > highest ? ((highest = n), true) : false));
  assert.deepEqual(
    distinct,
    Array.from({ length: 20000 }, (_, i) => i),
  );
});
