import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pino, type DestinationStream, type LoggerOptions } from 'pino';
import { HttpMetrics } from '../../src/http/metrics.js';
import { millisText, RequestRecorder, type RequestRecord } from '../../src/http/request-log.js';
import type { CatalogueReader } from '../../src/snapshot/catalogue-reader.js';

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
  pino(options, destination).info({ ...record, ms: Math.round(record.ms * 1000) / 1000 }, 'request');
  return lines[0] ?? '';
}

// Strings as a request can carry them: quotes, backslashes, control characters, any Unicode (but no lone surrogate,
// which pino writes raw and JSON.stringify escapes; node hands URLs and headers over as latin1, which has none).
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', '\\', '\n', '\u0001', '\u007f', '\u2028', 'é', '😀'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 120,
});
const record = fc.record({
  reqId: text,
  client: text,
  method: fc.constantFrom('GET', 'HEAD', 'OPTIONS'),
  url: text,
  route: text,
  status: fc.integer({ min: 100, max: 599 }),
  ms: fc.double({ min: 0, max: 1e6, noNaN: true }),
});

test("the request line is pino's own line for the same record, byte for byte, without pino's serialiser", () => {
  // The product's logger (runtime/logger.ts: base pid and bindings) and pino's defaults (pid and hostname).
  for (const options of [{ level: 'info', base: { pid: 7, worker: 1 } }, { level: 'info' }] satisfies LoggerOptions[]) {
    const { recorder, lines, asJsonCalls } = recorderOn(options);
    fc.assert(
      fc.property(record, (r) => {
        lines.length = 0;
        recorder.log(r);
        assert.deepEqual(lines, [pinoLine(options, r)]);
      }),
    );
    assert.equal(asJsonCalls(), 0, 'the line is written without pino serialising it');
  }
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
