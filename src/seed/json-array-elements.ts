/**
 * The elements of one JSON array, read from its bytes as they arrive: the array is never whole in
 * memory, neither as text nor as objects (a seed of ten million movies is 1.4 GB of JSON). A scanner
 * finds where each top-level element ends, tracking only nesting and strings, and JSON.parse reads
 * the element: the parsing that costs stays native. (A token-by-token streaming parser in JavaScript,
 * such as stream-json, is several times slower on large inputs, and nothing here needs its tokens.)
 */

/** What is wrong with the bytes, for the caller to word in its own terms. */
export class JsonArrayError extends Error {
  constructor(
    readonly kind: 'not-an-array' | 'invalid',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JsonArrayError';
  }
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Each element of the array `chunks` spell, parsed, in order. Throws JsonArrayError on anything that is not one JSON array. */
export async function* jsonArrayElements(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  // Bytes of the element being read that came in earlier chunks (an element is small: one movie).
  let carry: Buffer = Buffer.alloc(0);
  let started = false;
  let ended = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** An element was ended by a comma, so another must follow. */
  let expectElement = false;
  let position = 0;
  for await (const chunk of chunks) {
    const bytes = carry.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length) : Buffer.concat([carry, chunk]);
    const base = position - carry.length;
    let start = carry.length === 0 ? -1 : 0;
    for (let i = carry.length; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      if (ended) {
        if (!isSpace(byte)) throw new JsonArrayError('invalid', `unexpected bytes after the array at byte ${base + i}`);
        continue;
      }
      if (!started) {
        if (isSpace(byte)) continue;
        if (byte !== OPEN_BRACKET) throw new JsonArrayError('not-an-array', 'the JSON is not an array');
        started = true;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
        continue;
      }
      if (depth === 0 && (byte === COMMA || byte === CLOSE_BRACKET)) {
        if (start >= 0) {
          yield parseElement(bytes.subarray(start, i), base + start);
          start = -1;
        } else if (byte === COMMA || expectElement) {
          throw new JsonArrayError('invalid', `a missing array element at byte ${base + i}`);
        }
        expectElement = byte === COMMA;
        ended = byte === CLOSE_BRACKET;
        continue;
      }
      if (start < 0) {
        if (isSpace(byte)) continue;
        start = i;
      }
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
      if (depth < 0) throw new JsonArrayError('invalid', `an unbalanced ${String.fromCharCode(byte)} at byte ${base + i}`);
    }
    position += chunk.length;
    // Copied: the chunk's memory may be reused by the stream once the next one is asked for.
    carry = start >= 0 ? Buffer.from(bytes.subarray(start)) : Buffer.alloc(0);
  }
  if (!started) throw new JsonArrayError('invalid', 'the input is empty');
  if (!ended) throw new JsonArrayError('invalid', `the array is cut short after ${position} bytes`);
}

function parseElement(bytes: Uint8Array, at: number): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  } catch (error) {
    throw new JsonArrayError('invalid', `the array element at byte ${at} is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
}
