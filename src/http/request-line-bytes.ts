/**
 * The request log line encoded straight into a log batch's buffer: its known parts copied in as bytes, its numbers
 * written as digits and its two strings from the request (URL, request id) encoded as they are, so that a line makes
 * no string at all. At `info` the strings of the line made by concatenation (the line itself, the quoted URL, the time,
 * the milliseconds, and the intermediate strings of the concatenation) were most of the ~1,080 bytes a cached answer
 * allocated beyond `warn` (docs/investigations/cached-answer.md, tenth pass). The milliseconds' text as a string
 * (`millisText`, for the string line request-log.ts gives other destinations) is here too, beside its digits' twin.
 */

import { isPlainAscii } from './plain-ascii.js';
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
export type UnitWrites = Buffer & {
  utf8Write(text: string, offset: number): number;
  /** One byte a character: for a string of ASCII only, a copy where `utf8Write` encodes. */
  latin1Write(text: string, offset: number): number;
};

/**
 * The builtins a line calls, held here and called with `.call`: looked up on a Buffer (`bytes.set`,
 * `bytes.utf8Write`) each is found on a prototype the optimising compiler does not inline a look-up through, so the
 * encoder's optimised code made ten generic `LoadIC` calls a line, ~560 instructions (named from `--print-opt-code`).
 */
const setBytes = Uint8Array.prototype.set;
const utf8Write = (Buffer.prototype as UnitWrites).utf8Write;
const latin1Write = (Buffer.prototype as UnitWrites).latin1Write;

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

/** How a request string is written between its quotes (`most` decides, `encode` writes). Numbers, not an enum's object. */
type Kind = typeof ASCII | typeof UTF8 | typeof QUOTED;
/** Printable ASCII, nothing to escape: copied a byte a character (`latin1Write`). */
const ASCII = 0;
/** Not ASCII but nothing to escape: encoded (`utf8Write`). */
const UTF8 = 1;
/** Something to escape: JSON.stringify's text, quotes included. */
const QUOTED = 2;

function kindOf(text: string): Kind {
  if (isPlainAscii(text)) return ASCII;
  return MUST_ESCAPE.test(text) ? QUOTED : UTF8;
}

/**
 * Date.now() has 13 digits from 2001 to 2286: in those years the time's digits have a fixed place in the line's
 * first part, so the first part is copied whole (the level, the time's slot, the bindings, up to the request id) and
 * the digits written into it. Other times (tests' clocks, the probe's 0) are written the long way.
 */
const TIME_LOW = 1e12;
const TIME_HIGH = 1e13;

/** Below this a number's digits are found with 32-bit integer arithmetic (a division by 10 is a multiply). */
const INT32_LIMIT = 2 ** 31;
const HALF = 1e8;

/** The last `width` digits of a non-negative integer below 2^31 at `at`, zeros included. */
function writeFixedDigits(bytes: Buffer, at: number, width: number, value: number): void {
  for (let i = at + width - 1, rest = value | 0; i >= at; i--) {
    const next = (rest / 10) | 0;
    bytes[i] = 0x30 + rest - next * 10;
    rest = next;
  }
}

/** The digits of a non-negative integer below 2^31 at `at`; returns where they end. */
function writeSmallDigits(bytes: Buffer, at: number, value: number): number {
  let width = 1;
  for (let rest = (value / 10) | 0; rest !== 0; rest = (rest / 10) | 0) width++;
  writeFixedDigits(bytes, at, width, value);
  return at + width;
}

/** The digits of a non-negative integer below 2^53 at `at` (Date.now() is 13 of them); returns where they end. */
function writeDigits(bytes: Buffer, at: number, value: number): number {
  if (value < INT32_LIMIT) return writeSmallDigits(bytes, at, value);
  const high = Math.floor(value / HALF);
  const end = writeDigits(bytes, at, high);
  writeFixedDigits(bytes, end, 8, value - high * HALF);
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

/**
 * A string as JSON writes it between quotes, at `at`, just after its opening quote (the part before it ends with
 * one, the part after it starts with the closing one); returns where it ends. An escaped string's text (quotes
 * included) is written from the opening quote's place, and ends where the closing quote goes: the same bytes.
 */
function writeString(bytes: Buffer, at: number, text: string, kind: Kind, quoted: string): number {
  if (kind === ASCII) return at + latin1Write.call(bytes, text, at);
  if (kind === UTF8) return at + utf8Write.call(bytes, text, at);
  return at - 2 + utf8Write.call(bytes, quoted, at - 1);
}

/** Copies `part` in at `at`; returns where it ends. */
function put(bytes: Buffer, at: number, part: Buffer): number {
  setBytes.call(bytes, part, at);
  return at + part.length;
}

/** The parts of a line that change only with the logger's bindings. */
interface BindingParts {
  readonly chindings: string;
  /** The level, `,"time":`, 13 digits' room, the bindings, `,"reqId":"`: copied whole when the time has 13 digits. */
  readonly lead: Buffer;
  /** Where the time's 13 digits go in `lead`. */
  readonly timeAt: number;
  /** The bindings and `,"reqId":"`, after a time of another length. */
  readonly afterTime: Buffer;
}

/** The parts of a line that change only with its client, method and route (the lane gives the same strings every time). */
interface RouteParts {
  readonly client: string;
  readonly method: string;
  readonly route: string;
  /** `","client":…,"method":…,"url":"` */
  readonly middle: Buffer;
  /** `","route":…,"status":`, 3 digits' room, `,"ms":`: copied whole when the status has 3 digits. */
  readonly tail: Buffer;
  /** `","route":…,"status":`, before a status of another form. */
  readonly tailOpen: Buffer;
}

/**
 * A function that encodes a request's line dated `now` (Date.now(), as pino's default `time`) into a buffer at an
 * offset and returns where it ends, and the most bytes a record's line can take, which must be asked first for the
 * same record (it decides how each request string is written, once, for both). The line is the one
 * http/request-log.ts's string line gives, byte for byte (which the recorder checks on a probe before using it).
 * A usual line is four copies of known parts (six before: 950 instructions of the line's ~5,800, each copy a builtin
 * call of ~160), its numbers written into their slots, and its two strings copied by `latin1Write` when ASCII.
 */
export function lineEncoder(parts: LineParts): {
  encode: (bytes: Buffer, at: number, now: number, r: RequestRecord) => number;
  most: (r: RequestRecord) => number;
} {
  const headTime = Buffer.from(`${parts.head},"time":`);
  const bindingParts = (chindings: string): BindingParts => {
    const afterTime = `${chindings},"reqId":"`;
    return {
      chindings,
      lead: Buffer.from(`${parts.head},"time":${'0'.repeat(13)}${afterTime}`),
      timeAt: headTime.length,
      afterTime: Buffer.from(afterTime),
    };
  };
  const routeParts = (client: string, method: string, route: string): RouteParts => {
    const open = `","route":${JSON.stringify(route)},"status":`;
    return {
      client,
      method,
      route,
      middle: Buffer.from(`","client":${JSON.stringify(client)},"method":${JSON.stringify(method)},"url":"`),
      tail: Buffer.from(`${open}000,"ms":`),
      tailOpen: Buffer.from(open),
    };
  };
  let bound = bindingParts(parts.chindings());
  let said = routeParts('', '', '');
  const ms = Buffer.from(',"ms":');
  const end = Buffer.from(`,"msg":"request"${parts.end}`);
  // Beside the parts copied whole: the line's end, and the time, the status and the milliseconds, each at most
  // NUMBER_BYTES (written the long way, a time or a status takes its slot and NUMBER_BYTES at most besides).
  const numbers = end.length + 3 * NUMBER_BYTES;
  // How the record's two request strings are written, and their escaped text when they need it, set by `most`.
  let idKind: Kind = ASCII;
  let urlKind: Kind = ASCII;
  let quotedId = '';
  let quotedUrl = '';
  const stringBytes = (text: string, kind: Kind, quoted: string): number =>
    kind === ASCII ? text.length : UNIT_BYTES * (kind === UTF8 ? text.length : quoted.length);
  const most = (r: RequestRecord): number => {
    const chindings = parts.chindings();
    if (chindings !== bound.chindings) bound = bindingParts(chindings);
    if (r.client !== said.client || r.method !== said.method || r.route !== said.route) said = routeParts(r.client, r.method, r.route);
    if (r.plain === true) {
      // The producer's word (the fast lane's cached answers): the two scans were ~1,450 of a line's ~5,000 instructions.
      idKind = ASCII;
      urlKind = ASCII;
      quotedId = '';
      quotedUrl = '';
    } else {
      idKind = kindOf(r.reqId);
      urlKind = kindOf(r.url);
      quotedId = idKind === QUOTED ? JSON.stringify(r.reqId) : '';
      quotedUrl = urlKind === QUOTED ? JSON.stringify(r.url) : '';
    }
    return (
      numbers +
      bound.lead.length +
      said.middle.length +
      said.tail.length +
      stringBytes(r.reqId, idKind, quotedId) +
      stringBytes(r.url, urlKind, quotedUrl)
    );
  };
  const encode = (bytes: Buffer, at: number, now: number, r: RequestRecord): number => {
    let to: number;
    if (now >= TIME_LOW && now < TIME_HIGH) {
      setBytes.call(bytes, bound.lead, at);
      // 13 digits: the high five, then the low eight, each below 2^31.
      const high = Math.floor(now / HALF);
      writeFixedDigits(bytes, at + bound.timeAt, 5, high);
      writeFixedDigits(bytes, at + bound.timeAt + 5, 8, now - high * HALF);
      to = at + bound.lead.length;
    } else to = put(bytes, writeDigits(bytes, put(bytes, at, headTime), now), bound.afterTime);
    to = put(bytes, writeString(bytes, to, r.reqId, idKind, quotedId), said.middle);
    to = writeString(bytes, to, r.url, urlKind, quotedUrl);
    const status = r.status;
    if (status >= 100 && status <= 999 && Number.isInteger(status)) {
      setBytes.call(bytes, said.tail, to);
      to += said.tail.length;
      writeFixedDigits(bytes, to - ms.length - 3, 3, status);
    } else {
      to = put(bytes, to, said.tailOpen);
      to = Number.isSafeInteger(status) && status >= 0 ? writeDigits(bytes, to, status) : to + bytes.write(`${status}`, to, 'latin1');
      to = put(bytes, to, ms);
    }
    return put(bytes, writeMillis(bytes, to, r.ms), end);
  };
  return { encode, most };
}
