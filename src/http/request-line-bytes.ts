/**
 * The request log line encoded straight into a log batch's buffer: its known parts copied in as bytes, its numbers
 * written as digits and its two strings from the request (URL, request id) encoded as they are, so that a line makes
 * no string at all. At `info` the strings of the line made by concatenation (the line itself, the quoted URL, the time,
 * the milliseconds, and the intermediate strings of the concatenation) were most of the ~1,080 bytes a cached answer
 * allocated beyond `warn` (docs/investigations/cached-answer.md, tenth pass). The milliseconds' text as a string
 * (`millisText`, for the string line request-log.ts gives other destinations) is here too, beside its digits' twin.
 */

import type { RequestRecord } from './request-record.js';

/** Where a line is encoded: a log batch that takes bytes (runtime/log-batch.ts's LogBatch). */
export interface LineSink {
  /** Room for a line of at most `most` bytes dated `now`: its offset in `buffer()`. */
  reserve(most: number, now: number): number;
  buffer(): Buffer;
  /** Ends the reserved line at `end`. */
  commit(end: number): void;
}

/** Whether a destination pino writes to also takes lines as bytes. */
export function isLineSink(stream: object): stream is LineSink {
  const sink = stream as Partial<Record<keyof LineSink, unknown>>;
  return typeof sink.reserve === 'function' && typeof sink.buffer === 'function' && typeof sink.commit === 'function';
}

/** The bytes of a line beside its fields and numbers, as pino writes them for this logger. */
export interface LineParts {
  /** pino's `{"level":30` */
  readonly head: string;
  /** pino's bindings (`,"pid":7,…`), read per line: a logger's bindings can be set again. */
  readonly chindings: () => string;
  /** pino's line end, `}` and the newline. */
  readonly end: string;
}

/**
 * Node's own encoder behind `Buffer.write(text, offset, 'utf8')` (on Buffer.prototype since node 0.x, not in its types):
 * called directly, without `write`'s argument checks and its look-up of the encoding's name, on every line.
 */
export type UnitWrites = Buffer & { utf8Write(text: string, offset: number): number };

/**
 * The two builtins a line calls, held here and called with `.call`: looked up on a Buffer (`bytes.set`,
 * `bytes.utf8Write`) each is found on a prototype the optimising compiler does not inline a look-up through, so the
 * encoder's optimised code made ten generic `LoadIC` calls a line, ~560 instructions (named from `--print-opt-code`).
 */
const setBytes = Uint8Array.prototype.set;
const utf8Write = (Buffer.prototype as UnitWrites).utf8Write;

const QUOTE = 0x22;
/** Past this many microseconds (31 years) the digits are left to JavaScript's own number formatting. */
const MAX_EXACT_MICROS = 1e15;

/** The most bytes a number's text takes here (a double's shortest text is at most 24 characters). */
const NUMBER_BYTES = 32;
/** Bytes of UTF-8 a UTF-16 code unit can take. */
const UNIT_BYTES = 3;

/**
 * A character JSON does not write as it is between quotes: a quote, a backslash, a control character; and any
 * surrogate (a lone one JSON.stringify escapes; pairs are left to it too, they are rare in a request). A regular
 * expression, because V8 compiles its scan to a loop over the string's bytes: `charCodeAt` per character in
 * JavaScript cost ~35 instructions a character under callgrind (its representation is dispatched on each call),
 * the dearest part of the line.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const MUST_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Whether JSON writes the string as it is between its quotes. */
function plain(text: string): boolean {
  return !MUST_ESCAPE.test(text);
}

/** Below this a number's digits are found with 32-bit integer arithmetic (a division by 10 is a multiply). */
const INT32_LIMIT = 2 ** 31;
const HALF = 1e8;

/** The digits of a non-negative integer below 2^31 at `at`; returns where they end. */
function writeSmallDigits(bytes: Buffer, at: number, value: number): number {
  let end = at + 1;
  for (let rest = (value / 10) | 0; rest !== 0; rest = (rest / 10) | 0) end++;
  for (let i = end - 1, rest = value | 0; i >= at; i--) {
    const next = (rest / 10) | 0;
    bytes[i] = 0x30 + rest - next * 10;
    rest = next;
  }
  return end;
}

/** The digits of a non-negative integer below 2^53 at `at` (Date.now() is 13 of them); returns where they end. */
function writeDigits(bytes: Buffer, at: number, value: number): number {
  if (value < INT32_LIMIT) return writeSmallDigits(bytes, at, value);
  const high = Math.floor(value / HALF);
  const end = writeDigits(bytes, at, high);
  // The low eight digits, zeros included.
  let rest = value - high * HALF;
  for (let i = end + 7; i >= end; i--) {
    const next = (rest / 10) | 0;
    bytes[i] = 0x30 + rest - next * 10;
    rest = next;
  }
  return end + 8;
}

/**
 * `ms` rounded to the microsecond, as JSON.stringify writes `Math.round(ms * 1000) / 1000`: the integer and up to three
 * decimals, trailing zeros dropped (`null` when not finite). Made from the integer count of microseconds, because
 * formatting a fractional double (the shortest digits that read back as it) was the line's dearest single step in
 * perf's samples (docs/investigations/cached-answer.md). Equal by construction: a decimal of at most 15 significant digits
 * is the shortest text that reads back as the double nearest it.
 */
export function millisText(ms: number): string {
  if (!Number.isFinite(ms)) return 'null';
  const micros = Math.round(ms * 1000);
  if (micros <= 0 || micros >= MAX_EXACT_MICROS) return String(micros / 1000);
  const whole = Math.floor(micros / 1000);
  const fraction = micros - whole * 1000;
  if (fraction === 0) return String(whole);
  const digits = fraction < 10 ? `00${fraction}` : fraction < 100 ? `0${fraction}` : String(fraction);
  return `${whole}.${fraction % 100 === 0 ? digits.slice(0, 1) : fraction % 10 === 0 ? digits.slice(0, 2) : digits}`;
}

/** `ms` as millisText writes it, as digits; returns where they end. */
function writeMillis(bytes: Buffer, at: number, ms: number): number {
  if (!Number.isFinite(ms)) return at + bytes.write('null', at, 'latin1');
  const micros = Math.round(ms * 1000);
  if (micros <= 0 || micros >= MAX_EXACT_MICROS) return at + bytes.write(String(micros / 1000), at, 'latin1');
  const whole = Math.floor(micros / 1000);
  let end = writeDigits(bytes, at, whole);
  let fraction = micros - whole * 1000;
  if (fraction === 0) return end;
  bytes[end++] = 0x2e;
  // Three decimals, trailing zeros dropped.
  for (let unit = 100; fraction > 0; unit /= 10) {
    const digit = Math.floor(fraction / unit);
    bytes[end++] = 0x30 + digit;
    fraction -= digit * unit;
  }
  return end;
}

/** A string as JSON writes it (quoted, escaped when it must be); returns where it ends. */
function writeString(bytes: Buffer, at: number, text: string, quoted: string | undefined): number {
  if (quoted !== undefined) return at + utf8Write.call(bytes, quoted, at);
  bytes[at] = QUOTE;
  const end = at + 1 + utf8Write.call(bytes, text, at + 1);
  bytes[end] = QUOTE;
  return end + 1;
}

/** Copies `part` in at `at`; returns where it ends. */
function put(bytes: Buffer, at: number, part: Buffer): number {
  setBytes.call(bytes, part, at);
  return at + part.length;
}

/**
 * A function that encodes a request's line dated `now` (Date.now(), as pino's default `time`) into a buffer at an
 * offset and returns where it ends, and the most bytes a record's line can take, which must be asked first for the
 * same record (it finds what needs escaping once, for both). The line is the one
 * http/request-log.ts's string line gives, byte for byte (which the recorder checks on a probe before using it).
 */
export function lineEncoder(parts: LineParts): {
  encode: (bytes: Buffer, at: number, now: number, r: RequestRecord) => number;
  most: (r: RequestRecord) => number;
} {
  const head = Buffer.from(`${parts.head},"time":`);
  let chindingsText = parts.chindings();
  // The bindings and what follows them up to the request id's value.
  let beforeId = Buffer.from(`${chindingsText},"reqId":`);
  // The parts that hold the client, method and route: the lane gives the same strings every time (kept for the last seen).
  let said = {
    client: '',
    method: '',
    route: '',
    middle: Buffer.from(',"client":"","method":"","url":'),
    tail: Buffer.from(',"route":"","status":'),
  };
  const ms = Buffer.from(',"ms":');
  const end = Buffer.from(`,"msg":"request"${parts.end}`);
  const fixed = head.length + ms.length + end.length + 3 * NUMBER_BYTES + 4;
  // The quoted forms of the record's two request strings when they need escaping, made by `most`, used by `encode`.
  let quotedId: string | undefined;
  let quotedUrl: string | undefined;
  const most = (r: RequestRecord): number => {
    const bindings = parts.chindings();
    if (bindings !== chindingsText) {
      chindingsText = bindings;
      beforeId = Buffer.from(`${chindingsText},"reqId":`);
    }
    if (r.client !== said.client || r.method !== said.method || r.route !== said.route)
      said = {
        client: r.client,
        method: r.method,
        route: r.route,
        middle: Buffer.from(`,"client":${JSON.stringify(r.client)},"method":${JSON.stringify(r.method)},"url":`),
        tail: Buffer.from(`,"route":${JSON.stringify(r.route)},"status":`),
      };
    quotedId = plain(r.reqId) ? undefined : JSON.stringify(r.reqId);
    quotedUrl = plain(r.url) ? undefined : JSON.stringify(r.url);
    const strings = (quotedId ?? r.reqId).length + (quotedUrl ?? r.url).length;
    return fixed + beforeId.length + said.middle.length + said.tail.length + UNIT_BYTES * strings;
  };
  const encode = (bytes: Buffer, at: number, now: number, r: RequestRecord): number => {
    let to = writeDigits(bytes, put(bytes, at, head), now);
    to = writeString(bytes, put(bytes, to, beforeId), r.reqId, quotedId);
    to = writeString(bytes, put(bytes, to, said.middle), r.url, quotedUrl);
    to = put(bytes, to, said.tail);
    to = Number.isSafeInteger(r.status) && r.status >= 0 ? writeDigits(bytes, to, r.status) : to + bytes.write(`${r.status}`, to, 'latin1');
    to = writeMillis(bytes, put(bytes, to, ms), r.ms);
    return put(bytes, to, end);
  };
  return { encode, most };
}
