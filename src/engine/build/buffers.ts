import type { StringTable } from '../index-data.js';
import type { ByteSection } from './section-sink.js';

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

/** Bytes gathered before a piece of a streamed section is handed on. */
const STREAM_CHUNK_BYTES = 2 ** 20;

/** UTF-8 text handed on in pieces as it is written, never whole in memory: the movies' JSON. */
export class Utf8Stream {
  private buffer = new Uint8Array(STREAM_CHUNK_BYTES);
  private used = 0;
  /** Bytes written in all. */
  length = 0;

  constructor(private readonly out: ByteSection) {}

  write(text: string): void {
    // A UTF-16 unit takes at most 3 bytes of UTF-8.
    this.reserve(text.length * 3);
    const written = encoder.encodeInto(text, this.buffer.subarray(this.used)).written;
    this.used += written;
    this.length += written;
  }

  /** Text already encoded, copied as it is. */
  append(utf8: Uint8Array): void {
    this.reserve(utf8.length);
    this.buffer.set(utf8, this.used);
    this.used += utf8.length;
    this.length += utf8.length;
  }

  /** After the last text: what stands for the bytes in the index. */
  end(): Uint8Array {
    this.flush();
    return this.out.end();
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    this.flush();
    if (bytes > this.buffer.length) this.buffer = new Uint8Array(bytes);
  }

  private flush(): void {
    if (this.used > 0) this.out.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/** Strings encoded into one buffer (not one array each: a million small arrays are a lot for the GC to track). */
export function stringTable(strings: readonly string[]): StringTable {
  let capacity = 16;
  for (const s of strings) capacity += s.length;
  const table = new StringTableWriter(strings.length, capacity + (capacity >> 3));
  for (const s of strings) table.add(s);
  return table.finish();
}

/** A string table written a string at a time, so that the strings need not be kept until it is made. */
export class StringTableWriter {
  private readonly writer: Utf8Writer;
  private readonly offsets: Uint32Array;
  private count = 0;

  constructor(strings: number, capacityBytes: number) {
    this.writer = new Utf8Writer(capacityBytes);
    this.offsets = new Uint32Array(strings + 1);
  }

  add(text: string): void {
    this.offsets[this.count++] = this.writer.length;
    this.writer.write(text);
  }

  finish(): StringTable {
    this.offsets[this.count] = this.writer.length;
    return { bytes: this.writer.bytes(), offsets: this.offsets };
  }
}
