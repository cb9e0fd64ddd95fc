import type { StringTable } from '../index-data.js';

/** Growable buffers the build appends to: callers give them a capacity sized from the catalogue (build-index.ts says why). */

/** A growable Int32Array. */
export class IntList {
  values: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.values = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const bigger = new Int32Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }
}

const encoder = new TextEncoder();

/** UTF-8 text appended to one growable buffer. */
export class Utf8Writer {
  private buffer: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(capacity);
  }

  write(text: string): void {
    // A UTF-16 unit takes at most 3 bytes of UTF-8.
    this.reserve(text.length * 3);
    this.length += encoder.encodeInto(text, this.buffer.subarray(this.length)).written;
  }

  /** Text already encoded, copied as it is. */
  append(utf8: Uint8Array): void {
    this.reserve(utf8.length);
    this.buffer.set(utf8, this.length);
    this.length += utf8.length;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
  }

  /** What was written, in a buffer of its own size. */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Strings encoded into one buffer (not one array each: a million small arrays are a lot for the GC to track). */
export function stringTable(strings: readonly string[]): StringTable {
  let capacity = 16;
  for (const s of strings) capacity += s.length;
  const writer = new Utf8Writer(capacity + (capacity >> 3));
  const offsets = new Uint32Array(strings.length + 1);
  for (let i = 0; i < strings.length; i++) {
    offsets[i] = writer.length;
    writer.write(strings[i] as string);
  }
  offsets[strings.length] = writer.length;
  return { bytes: writer.bytes(), offsets };
}
