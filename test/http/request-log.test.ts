import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pino, type DestinationStream, type LoggerOptions } from 'pino';
import { HttpMetrics } from '../../src/http/metrics.js';
import { RequestRecorder } from '../../src/http/request-log.js';
import type { RequestRecord } from '../../src/http/request-record.js';
import type { CatalogueReader } from '../../src/snapshot/catalogue-reader.js';
import { lineEncoder, millisText } from '../../src/http/request-line-bytes.js';
import { isPlainAscii } from '../../src/http/plain-ascii.js';
import { LogBatch } from '../../src/runtime/log-batch.js';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The log lines a destination received, each with its time made 0 (the two loggers compared write at different moments). */
function capture(): { lines: string[]; destination: DestinationStream } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => lines.push(line.replace(/,"time":\d+/, ',"time":0')) } };
}

function recorderOn(options: LoggerOptions): {
  recorder: RequestRecorder;
  logger: pino.Logger;
  lines: string[];
  asJsonCalls: () => number;
} {
  const { lines, destination } = capture();
  const logger = pino(options, destination);
  const recorder = new RequestRecorder(logger, new HttpMetrics({ dataset: undefined } as unknown as CatalogueReader));
  // Counted from here on: the recorder's own check of its line at construction is not a request's.
  const own = logger as unknown as Record<symbol, (...args: unknown[]) => string>;
  const asJson = own[pino.symbols.asJsonSym] as (...args: unknown[]) => string;
  let calls = 0;
  own[pino.symbols.asJsonSym] = function (this: unknown, ...args: unknown[]) {
    calls++;
    return asJson.apply(this, args);
  };
  return { recorder, logger, lines, asJsonCalls: () => calls };
}

/** What pino itself writes for the record, with the same options. */
function pinoLine(options: LoggerOptions, record: RequestRecord): string {
  const { lines, destination } = capture();
  const { reqId, client, method, url, route, status } = record;
  pino(options, destination).info({ reqId, client, method, url, route, status, ms: Math.round(record.ms * 1000) / 1000 }, 'request');
  return lines[0] ?? '';
}

// Strings as a request can carry them: quotes, backslashes, control characters, any Unicode (but no lone surrogate,
// which pino writes raw and JSON.stringify escapes; node hands URLs and headers over as latin1, which has none).
// Strings of ASCII alone too (a request's usual URL and id, which the encoder copies a byte a character), with or
// without what JSON escapes in them.
const text = fc.oneof(
  fc.string({
    unit: fc.oneof(
      fc.constantFrom('"', '\\', '\n', '\u0001', '\u007f', '\u2028', 'é', '😀'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
    maxLength: 120,
  }),
  fc.string({
    unit: fc.oneof(
      fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f'),
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    ),
    maxLength: 120,
  }),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 120 }),
);
const record = fc.record({
  reqId: text,
  client: text,
  method: fc.constantFrom('GET', 'HEAD', 'OPTIONS'),
  url: text,
  route: text,
  status: fc.integer({ min: 100, max: 599 }),
  ms: fc.double({ min: 0, max: 1e6, noNaN: true }),
});

// A record as the fast lane gives it on a hit: marked plain when (and only when) its id and URL are plain ASCII, as its
// producers promise (a cached answer's verdict on its target, the request ids); the line then copies them unchecked.
const plainText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0x7f })
    .filter((c) => c !== 0x22 && c !== 0x5c)
    .map((c) => String.fromCharCode(c)),
  maxLength: 300,
});
const marked = fc
  .oneof(
    record,
    record.chain((r) => fc.tuple(plainText, plainText).map(([reqId, url]) => ({ ...r, reqId, url }))),
  )
  .map((r) => ({ ...r, plain: isPlainAscii(r.reqId) && isPlainAscii(r.url) }));

test('plain ASCII is exactly what JSON writes between quotes as it is, one byte a character', () => {
  // The reference: JSON leaves the text alone, and UTF-8 takes one byte a character.
  const plainByJson = (t: string): boolean => JSON.stringify(t) === `"${t}"` && Buffer.byteLength(t) === t.length;
  const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 80 });
  fc.assert(
    fc.property(fc.oneof(text, latin1, fc.string({ unit: 'binary', maxLength: 40 })), (t) => {
      assert.equal(isPlainAscii(t), plainByJson(t), JSON.stringify(t));
    }),
    { numRuns: 5_000 },
  );
  for (let c = 0; c < 0x100; c++)
    assert.equal(isPlainAscii(`a${String.fromCharCode(c)}b`), plainByJson(String.fromCharCode(c)), `char ${c}`);
});

test("the request line is pino's own line for the same record, byte for byte, without pino's serialiser", () => {
  // The product's logger (runtime/logger.ts: base pid and bindings) and pino's defaults (pid and hostname).
  for (const options of [{ level: 'info', base: { pid: 7, worker: 1 } }, { level: 'info' }] satisfies LoggerOptions[]) {
    const { recorder, lines, asJsonCalls } = recorderOn(options);
    fc.assert(
      fc.property(fc.oneof(record, marked), (r) => {
        lines.length = 0;
        recorder.log(r);
        assert.deepEqual(lines, [pinoLine(options, r)]);
      }),
    );
    assert.equal(asJsonCalls(), 0, 'the line is written without pino serialising it');
  }
});

test("through the product's LogBatch the request line is encoded into the batch's bytes, still pino's own line", () => {
  const folder = mkdtempSync(join(tmpdir(), 'request-line-'));
  const file = join(folder, 'log');
  // Appending, so that the file emptied after each look is written from its start again.
  const fd = openSync(file, 'a');
  try {
    const batch = new LogBatch(fd);
    // Lines given as strings are counted: the request line must not be one of them.
    const write = batch.write.bind(batch);
    let strings = 0;
    batch.write = (line: string) => (strings++, write(line));
    const options = { level: 'info', base: { pid: 7, worker: 1 } } satisfies LoggerOptions;
    const logger = pino(options, batch);
    const recorder = new RequestRecorder(logger, new HttpMetrics({ dataset: undefined } as unknown as CatalogueReader));
    const logged = (): string => {
      batch.flushSync();
      const text = readFileSync(file, 'utf8');
      ftruncateSync(fd, 0);
      return text.replace(/,"time":\d+/g, ',"time":0');
    };
    logged();
    // Several records a run: lines that share a batch, and batches written by size. URLs of non-ASCII characters,
    // latin1 (as node hands them over) or not, and one beyond the batch buffer's 64 KiB.
    const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 200 });
    const records = fc.array(
      fc.oneof(
        record,
        marked,
        record.chain((r) => latin1.map((url) => ({ ...r, url }))),
      ),
      { minLength: 1, maxLength: 40 },
    );
    const huge = {
      reqId: 'r-1',
      client: 'anonymous',
      method: 'GET',
      url: `/v1/movies?q=${'é'.repeat(40_000)}`,
      route: '/v1/movies',
      status: 200,
      ms: 2,
    };
    fc.assert(
      fc.property(records, fc.boolean(), (rs, withHuge) => {
        const all = withHuge ? [...rs, huge, ...rs] : rs;
        for (const r of all) recorder.log(r);
        assert.equal(logged(), all.map((r) => pinoLine(options, r)).join(''));
      }),
      { numRuns: 200 },
    );
    // Bindings set again are in the next line, as pino writes them.
    logger.setBindings({ worker: 2 });
    const { lines: rebound, destination } = capture();
    const reference = pino(options, destination);
    reference.setBindings({ worker: 2 });
    reference.info({ ...huge, ms: 2 }, 'request');
    recorder.log(huge);
    assert.deepEqual(logged(), rebound.join(''));
    assert.equal(strings, 0, 'the request line was written as bytes');
    // pino's own lines and request lines share the batch, in order.
    logger.info({ a: '"é"' }, 'between');
    recorder.log(huge);
    logger.warn('after');
    const lines = logged().split('\n');
    assert.deepEqual(
      lines.map((l) => (l === '' ? '' : (JSON.parse(l) as { msg: string }).msg)),
      ['between', 'request', 'after', ''],
    );
  } finally {
    closeSync(fd);
    rmSync(folder, { recursive: true });
  }
});

test('the encoded line writes any time and status as digits (in their slots when they fit), milliseconds as millisText does, and its length bound holds', () => {
  const { encode, most } = lineEncoder({ head: '{"level":30', chindings: () => ',"pid":7', end: '}\n' });
  const ms = fc.oneof(
    fc.double({ noNaN: false }),
    fc.integer({ min: 0, max: 10_000_000 }).map((micros) => micros / 1000),
    fc.constantFrom(0, -0, 0.0004, 0.0005, 0.05, 0.5, 1.2345, 10.5, 12.3, 1e12, 1e13, 2 ** 53, -1.5, NaN, Infinity),
  );
  const status = fc.oneof(
    fc.integer({ min: 100, max: 599 }),
    fc.integer({ min: 0, max: 10_000 }),
    fc.double(),
    fc.double({ min: 99, max: 1000 }),
    fc.constant(2 ** 60),
  );
  // Times of 13 digits (2001 to 2286, written into the first part's slot), their edges, and any other.
  const time = fc.oneof(
    fc.integer({ min: 1e12, max: 1e13 - 1 }),
    fc.constantFrom(0, 1e12 - 1, 1e12, 1e13 - 1, 1e13, 1_765_000_000_000),
    fc.nat(2 ** 53 - 1),
  );
  // Long ASCII URLs too: the bound's room for the strings is then more than the numbers' room could hide.
  const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
  const long = record.chain((r) => fc.string({ unit: printable, minLength: 200, maxLength: 400 }).map((url) => ({ ...r, url })));
  fc.assert(
    fc.property(fc.oneof(record, long, marked), ms, status, time, (r, value, code, now) => {
      const full = { ...r, ms: value, status: code };
      const bound = most(full);
      // Bytes around the line are left as they were: nothing is written before `at` or past the bound.
      const bytes = Buffer.alloc(bound + 8, 0xaa);
      const end = encode(bytes, 4, now, full);
      assert.ok(end <= 4 + bound, 'within the bound');
      assert.ok(bytes.subarray(0, 4).every((b) => b === 0xaa) && bytes.subarray(end).every((b) => b === 0xaa));
      const line = bytes.toString('utf8', 4, end);
      assert.ok(line.startsWith(`{"level":30,"time":${now},"pid":7,"reqId":${JSON.stringify(r.reqId)},`));
      assert.ok(line.endsWith(`,"status":${code},"ms":${millisText(value)},"msg":"request"}\n`), line);
    }),
    { numRuns: 5_000 },
  );
});

test('a logger whose settings the line does not know (a mixin, a message key, a serialiser) gets pino writing each line', () => {
  const settings: LoggerOptions[] = [
    { level: 'info', mixin: () => ({ zone: 'a' }) },
    { level: 'info', messageKey: 'message' },
    { level: 'info', serializers: { url: (url: string) => url.split('?')[0] } },
  ];
  const r: RequestRecord = {
    reqId: 'r-1',
    client: 'anonymous',
    method: 'GET',
    url: '/v1/movies?q=x',
    route: '/v1/movies',
    status: 200,
    ms: 0.5,
    // A note to the line's encoder, never a field of the line.
    plain: true,
  };
  for (const options of settings) {
    const { recorder, lines, asJsonCalls } = recorderOn(options);
    recorder.log(r);
    assert.deepEqual(lines, [pinoLine(options, r)]);
    assert.equal(asJsonCalls(), 1);
  }
});

test("whether requests are logged follows the logger's level as it changes, both ways", () => {
  const { recorder, logger, lines } = recorderOn({ level: 'warn' });
  const one: RequestRecord = {
    reqId: 'r1',
    client: 'anonymous',
    method: 'GET',
    url: '/v1/movies',
    route: '/v1/movies',
    status: 200,
    ms: 1,
  };
  assert.equal(recorder.logs, false);
  recorder.record(one);
  assert.equal(lines.length, 0);
  logger.level = 'debug';
  assert.equal(recorder.logs, true);
  recorder.record(one);
  assert.equal(lines.length, 1);
  logger.level = 'error';
  assert.equal(recorder.logs, false);
  recorder.record(one);
  assert.equal(lines.length, 1);
  // A child's level is its own; the recorder follows the logger it was given.
  const child = logger.child({ part: 'x' });
  child.level = 'debug';
  assert.equal(recorder.logs, false);
  logger.level = 'info';
  assert.equal(recorder.logs, true);
});

test('a closed recorder leaves no listener on the logger, which outlives it', () => {
  const { recorder, logger } = recorderOn({ level: 'warn' });
  const listening = logger.listenerCount('level-change');
  const second = new RequestRecorder(logger, new HttpMetrics({ dataset: undefined } as unknown as CatalogueReader));
  assert.equal(logger.listenerCount('level-change'), listening + 1);
  second.close();
  recorder.close();
  assert.equal(logger.listenerCount('level-change'), listening - 1);
});

test('milliseconds are written as JavaScript writes them rounded to the microsecond, without formatting a fraction', () => {
  const reference = (ms: number): string => (Number.isFinite(ms) ? String(Math.round(ms * 1000) / 1000) : 'null');
  const ms = fc.oneof(
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    fc.double({ noNaN: false }),
    fc.integer({ min: 0, max: 10_000_000 }).map((micros) => micros / 1000),
    fc.constantFrom(0, -0, 0.0004, 0.0005, 0.001, 0.01, 0.1, 0.999, 0.9995, 1, 10.5, 1e12, 1e13, 2 ** 53, -0.0004, -1.5),
  );
  fc.assert(
    fc.property(ms, (value) => millisText(value) === reference(value)),
    { numRuns: 20_000 },
  );
  assert.equal(millisText(1.2345), reference(1.2345), 'a value between two microseconds');
  assert.equal(millisText(12.3), '12.3');
  assert.equal(millisText(0.05), '0.05');
});
