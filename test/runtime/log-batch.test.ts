import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogBatch } from '../../src/runtime/log-batch.js';

const loggerModule = fileURLToPath(new URL('../../src/runtime/logger.js', import.meta.url));
const requestLogModule = fileURLToPath(new URL('../../src/http/request-log.js', import.meta.url));

/**
 * A child's line `i`: every third a request line, which the recorder encodes into the batch's bytes rather than
 * giving it a string (its `url` says which line it is), between pino's own lines.
 */
const lineOf =
  `const { RequestRecorder } = await import(${JSON.stringify(requestLogModule)}); const recorder = new RequestRecorder(log, {});` +
  `const line = (i) => i % 3 === 0 ? recorder.log({ reqId: 'r-' + i, client: 'anonymous', method: 'GET', url: '/v1/movies?i=' + i + '&q=%C3%A9t%C3%A9', route: '/v1/movies', status: 200, ms: 0.25 }) : log.info({ i }, 'line');`;

/** The number of a line `lineOf` wrote. */
function numberOf(text: string): number {
  const line = JSON.parse(text) as { i?: number; url?: string };
  return line.i ?? Number(new URL(line.url ?? '', 'http://x').searchParams.get('i'));
}

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
      lineOf +
      `for (let i = 0; i < 10000; i++) line(i);` +
      `await new Promise((r) => setImmediate(r));` +
      `for (let i = 10000; i < 20000; i++) line(i);` +
      `process.exit(0);`,
  );
  const numbers = lines.map(numberOf);
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
    lineOf +
    `for (let t = 0; t < 30; t++) { for (let i = 0; i < 1000; i++) line(t * 1000 + i); await new Promise((r) => setImmediate(r)); }` +
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
    .map(numberOf);
  assert.deepEqual(
    numbers,
    Array.from({ length: lines }, (_, i) => i),
  );
});

test('a batch is written at once after a quiet spell, at 16 KiB, when 10 ms old, or by its timer at 100 ms', (t) => {
  t.mock.timers.enable({ apis: ['Date', 'setTimeout'], now: 1_000_000 });
  const folder = mkdtempSync(join(tmpdir(), 'log-batch-'));
  const fd = openSync(join(folder, 'log'), 'w');
  try {
    const batch = new LogBatch(fd);
    const written = (): number => fstatSync(fd).size;
    const line = `${'x'.repeat(99)}\n`;
    batch.write(line);
    assert.equal(written(), 100, 'the first line after a quiet spell goes at once');
    // Lines given as bytes (the request line's way) count alike.
    const bytes = (text: string): void => {
      const at = batch.reserve(text.length, Date.now());
      batch.commit(at + batch.buffer().write(text, at, 'latin1'));
    };
    for (let i = 0; i < 163; i++) {
      if (i % 2 === 0) batch.write(line);
      else bytes(line);
    }
    assert.equal(written(), 100, 'held below 16 KiB while the clock stands');
    batch.write(line);
    assert.equal(written(), 100 + 16_400, 'written at 16 KiB');
    batch.write(line);
    t.mock.timers.tick(9);
    bytes(line);
    assert.equal(written(), 16_500, 'held while its first line is younger than 10 ms');
    t.mock.timers.tick(1);
    batch.write(line);
    assert.equal(written(), 16_800, 'written by the line that finds it 10 ms old');
    t.mock.timers.tick(5);
    bytes(line);
    t.mock.timers.tick(99);
    assert.equal(written(), 16_800, 'a lone line waits for its timer');
    t.mock.timers.tick(1);
    assert.equal(written(), 16_900, 'and its timer writes it at 100 ms');
    batch.write('é\n');
    assert.equal(written(), 16_900, 'held: the last write was just now');
    batch.flushSync();
    assert.equal(readFileSync(join(folder, 'log'), 'utf8').slice(-4), 'x\né\n', 'and written out, as UTF-8, at exit');
  } finally {
    closeSync(fd);
    rmSync(folder, { recursive: true });
  }
});
