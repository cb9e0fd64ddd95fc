import { pino, type Logger } from 'pino';
import type { HttpMetrics, RequestCounters } from './metrics.js';
import { isLineSink, lineEncoder, millisText } from './request-line-bytes.js';
import type { RequestRecord } from './request-record.js';

/**
 * The one place a finished request is logged (one JSON line) and counted in the metrics, whether
 * Fastify or the fast lane answered it, so both produce the same log lines and series.
 */
export class RequestRecorder {
  private readonly line: ((record: RequestRecord) => void) | undefined;
  /** Whether requests are logged at the logger's level, kept by pino's `level-change` event. */
  private logsAtLevel: boolean;
  private readonly onLevelChange: () => void;

  constructor(
    private readonly logger: Logger,
    private readonly metrics: HttpMetrics,
  ) {
    this.line = requestLineWriter(logger);
    this.logsAtLevel = logger.isLevelEnabled('info');
    this.onLevelChange = () => {
      this.logsAtLevel = logger.isLevelEnabled('info');
    };
    logger.on('level-change', this.onLevelChange);
  }

  /**
   * Whether a request gets a log line (`info` and below): when not, callers need not build the record's strings.
   * Read on every request, so it is a field kept by pino's `level-change` event (a child logger's change too, which
   * only makes it ask again): asking pino (its `levelVal` getter, or `isLevelEnabled`, which looks the level's name
   * up) touched the logger's objects on every cached answer (docs/investigations/cached-answer.md).
   */
  get logs(): boolean {
    return this.logsAtLevel;
  }

  /** Stops following the logger's level: the logger outlives servers (tests build many on one). */
  close(): void {
    this.logger.off('level-change', this.onLevelChange);
  }

  /** The counters of a route, status and client, for a caller that answers many requests alike. */
  countersOf(route: string, status: number, client: string): RequestCounters {
    return this.metrics.countersOf(route, status, client);
  }

  /** Counts and logs a request answered once in a while (the Fastify routes): its counters are looked up. */
  record(record: RequestRecord): void {
    this.metrics.observe(record.route, record.status, record.ms / 1000, record.client);
    if (this.logs) this.log(record);
  }

  /** The request's log line, for a caller that counted it already. */
  log(record: RequestRecord): void {
    if (this.line !== undefined) this.line(record);
    else this.logger.info(fields(record), 'request');
  }
}

/** The record as logged: its seven fields in this order (not `plain`, a note to the line's encoder), milliseconds to the microsecond. */
function fields(record: RequestRecord): RequestRecord {
  const { reqId, client, method, url, route, status } = record;
  return { reqId, client, method, url, route, status, ms: Math.round(record.ms * 1000) / 1000 };
}

const { asJsonSym, chindingsSym, endSym, hooksSym, lsCacheSym, mixinSym, needsMetadataGsym, streamSym, timeSym } = pino.symbols;
/** Not in pino's typed list of symbols, but in its exported one (lib/symbols.js). */
const msgPrefixSym = (pino.symbols as unknown as Record<string, symbol | undefined>).msgPrefixSym;

/**
 * The request line written as pino writes it, without pino's general serialiser: that walks the record's keys, checks
 * each against serialisers and escapes each string in JavaScript, half of a line's CPU at saturation (1.1-1.2 µs per
 * line against 0.6 for this; docs/investigations/cached-answer.md, issue 21's third pass). Here the keys are known, so the line is one
 * concatenation. It is used only if it gives, for a probe record, the very line pino's own serialiser makes with
 * this logger's settings (level, bindings, message key, formatters, serialisers, redaction); otherwise pino writes
 * each line. (Strings are escaped by JSON.stringify, as pino escapes them, except a lone surrogate, which pino writes
 * raw; a request's strings have none: node reads the URL and headers as latin1.)
 *
 * When the destination takes bytes (the product's LogBatch) and the time is pino's default (epoch milliseconds), the
 * line is encoded straight into the batch's buffer instead (request-line-bytes.ts), if it gives the probe's line too.
 */
function requestLineWriter(logger: Logger): ((record: RequestRecord) => void) | undefined {
  const own = logger as unknown as Record<symbol, unknown>;
  const level = logger.levels.values.info;
  const heads = own[lsCacheSym] as Record<number, string> | undefined;
  const head = level === undefined ? undefined : heads?.[level];
  const stream = own[streamSym] as { write(line: string): unknown } | undefined;
  const asJson = own[asJsonSym] as ((obj: object, msg: string, num: number, time: string) => string) | undefined;
  const time = own[timeSym] as (() => string) | undefined;
  const end = own[endSym] as string | undefined;
  if (head === undefined || level === undefined || stream === undefined || asJson === undefined || time === undefined) return;
  // What pino's write does beside the serialiser, which the probe below does not see: a mixin, a message prefix, a hook
  // on the written line, a destination that wants each line's level and object.
  const hooks = own[hooksSym] as { streamWrite?: unknown } | undefined;
  const prefixed = msgPrefixSym === undefined || own[msgPrefixSym] !== undefined;
  const metadata = (stream as Record<symbol, unknown>)[needsMetadataGsym] === true;
  if (end === undefined || own[mixinSym] || hooks?.streamWrite !== undefined || prefixed || metadata) return;
  // The pieces of a line that repeat from request to request are made once: pino's level prefix, and the quoted
  // client, method and route, which the fast lane gives as the same strings every time (kept for the last seen).
  let said = { client: '', method: '', route: '', middle: ',"client":"","method":"","url":', tail: ',"route":"","status":' };
  const line = (at: string, r: RequestRecord): string => {
    if (r.client !== said.client || r.method !== said.method || r.route !== said.route)
      said = {
        client: r.client,
        method: r.method,
        route: r.route,
        middle: `,"client":${JSON.stringify(r.client)},"method":${JSON.stringify(r.method)},"url":`,
        tail: `,"route":${JSON.stringify(r.route)},"status":`,
      };
    return (
      `${head}${at}${own[chindingsSym] as string},"reqId":${JSON.stringify(r.reqId)}${said.middle}${JSON.stringify(r.url)}${said.tail}` +
      `${r.status},"ms":${millisText(r.ms)},"msg":"request"${end}`
    );
  };
  const probe: RequestRecord = {
    reqId: 'probe-1',
    client: 'a "quoted" \\ client',
    method: 'GET',
    url: '/v1/movies?q=%22x%22&limit=20',
    route: '/v1/movies',
    status: 200,
    ms: 0.1234567,
  };
  const at = ',"time":0';
  const expected = asJson.call(logger, fields(probe), 'request', level, at);
  if (expected !== line(at, probe)) return;
  if (time === pino.stdTimeFunctions.epochTime && isLineSink(stream)) {
    const { encode, most } = lineEncoder({ head, chindings: () => own[chindingsSym] as string, end });
    const scratch = Buffer.alloc(most(probe));
    if (scratch.toString('utf8', 0, encode(scratch, 0, 0, probe)) === expected)
      return (record) => {
        const now = Date.now();
        const from = stream.reserve(most(record), now);
        stream.commit(encode(stream.buffer(), from, now, record));
      };
  }
  return (record) => stream.write(line(time(), record));
}
