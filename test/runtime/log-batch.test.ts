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

test('lines a full non-blocking pipe refuses are written once it drains, whole and in order', async () => {
  // Touching process.stdout makes node set the pipe non-blocking: a synchronous write then meets EAGAIN once the
  // pipe is full, which the reader below makes sure of by not reading at first (1.8 MB of lines, the pipe holds 64 KiB).
  // The child stays up until told, so that what it holds goes out asynchronously, not by the exit's flush.
  const lines = 30_000;
  const script =
    `process.stdout; const { createLogger } = await import(${JSON.stringify(loggerModule)}); const log = createLogger('info');` +
    `for (let t = 0; t < 30; t++) { for (let i = 0; i < 1000; i++) log.info({ i: t * 1000 + i }, 'line'); await new Promise((r) => setImmediate(r)); }` +
    `process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdout.pause();
  let stdout = '';
  let seen = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    seen = stdout.split('\n').length - 1;
    if (seen >= lines) child.stdin.end();
  });
  setTimeout(() => child.stdout.resume(), 500);
  // Far beyond the time it takes: a batch lost would otherwise keep the child waiting for ever.
  const giveUp = setTimeout(() => child.stdin.end(), 60_000);
  await once(child, 'close');
  clearTimeout(giveUp);
  const numbers = stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { i: number }).i);
  assert.deepEqual(
    numbers,
    Array.from({ length: lines }, (_, i) => i),
  );
});
