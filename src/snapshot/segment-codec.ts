import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteSection, SectionArray, SectionSink } from '../engine/build/section-sink.js';
import type { IndexData } from '../engine/index-data.js';
import { SnapshotError } from '../errors/errors.js';

/**
 * The binary segment: a catalogue index as one object, read back by reading each section's bytes into
 * a typed array, with no parsing of movies and no index to build. See docs/segment-format.md for the
 * byte layout. In short:
 *
 *   magic "CINEDEX\0" | u32 format | u32 header length | header (JSON) | padding to 8 |
 *   sections, each starting at a multiple of 8 | sha256 of everything before it (32 bytes)
 *
 * The header holds the index's shape, with every typed array replaced by a reference to a section,
 * and the metadata a replica needs beside the index (the last run, the audit table). Numbers are
 * little-endian, as typed arrays are on every platform Node supports in practice; a big-endian host
 * refuses the segment rather than misread it.
 */
export const SEGMENT_FORMAT = 2;
/**
 * Formats this release still reads. Format 1 is format 2 without `extract` (the extract tier's
 * postings) and `words.castNames` (cast names by word): such a segment is served with an empty
 * extract index, so `q` reads titles and cast only until the next ingestion run writes a format-2
 * segment, and with the cast names by word derived as it loads.
 *
 * `words.nameWords` (each cast name's words in order) was added to format 2 as a section older
 * readers ignore (docs/segment-format.md, versioning rule); a segment written before it has it
 * derived as it loads.
 */
const READABLE_FORMATS: readonly number[] = [1, SEGMENT_FORMAT];

export function readsSegmentFormat(format: number): boolean {
  return READABLE_FORMATS.includes(format);
}
export const MAGIC = Buffer.from('CINEDEX\0', 'latin1');
export const PREFIX_BYTES = 16;
export const DIGEST_BYTES = 32;
export const ALIGN = 8;
const PADDING = Buffer.alloc(ALIGN);

export const TYPES = { u8: Uint8Array, u16: Uint16Array, i32: Int32Array, u32: Uint32Array } as const;
export type TypeName = keyof typeof TYPES;

/** A section of the segment: its element type, byte offset from the end of the header (padded to 8) and element count. */
export type Section = readonly [TypeName, number, number];
export interface Header {
  readonly index: unknown;
  readonly meta: unknown;
  readonly sections: readonly Section[];
}

export interface Segment<Meta> {
  readonly index: IndexData;
  readonly meta: Meta;
}

/**
 * A segment ready to be written: its length, its checksum (the footer, which the pointer records too
 * and the object's name carries) and its bytes as a sequence of chunks, which are views of the index's
 * own arrays rather than a copy. A segment is hundreds of megabytes at a million movies: assembled in
 * one buffer it would double the memory of the index it holds.
 */
export interface EncodedSegment {
  /** Bytes in all, the footer included. */
  readonly length: number;
  readonly sha256: string;
  /** The bytes in order; each call walks them again, as a retried upload may. */
  chunks(): Iterable<Uint8Array>;
}

/** The segment of `index` and `meta`, hashed in one pass over its chunks and not copied. */
export function segmentOf(index: IndexData, meta: unknown): EncodedSegment {
  const arrays: SectionArray[] = [];
  const shape = replaceArrays(index, (array) => arrays.push(array) - 1);
  let at = 0;
  const sections: Section[] = arrays.map((array) => {
    const section: Section = [typeName(array), at, array.length];
    at = align(at + array.byteLength);
    return section;
  });
  const prefix = prefixOf(shape, meta, sections);
  function* body(): Generator<Uint8Array> {
    yield prefix;
    for (const array of arrays) {
      yield new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      const pad = align(array.byteLength) - array.byteLength;
      if (pad > 0) yield PADDING.subarray(0, pad);
    }
  }
  return encoded(body, prefix.length + at);
}

/** Magic, format, the header and its padding: everything before the sections. */
function prefixOf(shape: unknown, meta: unknown, sections: readonly Section[]): Buffer {
  const header = Buffer.from(JSON.stringify({ index: shape, meta, sections } satisfies Header));
  const prefix = Buffer.alloc(align(PREFIX_BYTES + header.length));
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(SEGMENT_FORMAT, 8);
  prefix.writeUInt32LE(header.length, 12);
  header.copy(prefix, PREFIX_BYTES);
  return prefix;
}

/** A segment of `bodyLength` bytes before its footer, whose `body` is walked once to hash it and again for each write. */
function encoded(body: () => Iterable<Uint8Array>, bodyLength: number): EncodedSegment {
  const hash = createHash('sha256');
  for (const chunk of body()) hash.update(chunk);
  const digest = hash.digest();
  return {
    length: bodyLength + DIGEST_BYTES,
    sha256: digest.toString('hex'),
    *chunks() {
      yield* body();
      yield digest;
    },
  };
}

/** Bytes read from a spool at a time, and written to the store as one chunk. */
const SPOOL_CHUNK_BYTES = 16 * 2 ** 20;

/**
 * A segment written section by section as its index is built (buildIndex's SectionSink): each
 * array goes to a spool file as soon as it is complete, and the build lets go of it, so a build at
 * ten million movies never holds its whole index (gigabytes). The header, which comes first and
 * which the checksum covers, can only be made once every section's length is known: the segment is
 * read back from the spool, once to hash it and again as the store writes it. The spool is a file
 * in the system's temporary folder (TMPDIR), about one segment in size; `close` removes it.
 */
export class SpooledSegment implements SectionSink {
  private readonly sections: Section[] = [];
  /** What stands for each array handed over: an empty array of its type, by section number. */
  private readonly placeholders = new Map<SectionArray, number>();
  private at = 0;
  private streaming = false;

  private constructor(
    private readonly dir: string,
    private readonly fd: number,
  ) {}

  static async open(): Promise<SpooledSegment> {
    const dir = await mkdtemp(join(tmpdir(), 'cinedex-segment-'));
    return new SpooledSegment(dir, openSync(join(dir, 'sections'), 'w+'));
  }

  put<A extends SectionArray>(array: A): A {
    if (this.streaming) throw new RangeError('a section was put while a byte section was being written');
    const start = this.at;
    this.write(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return this.placeholder(array, [typeName(array), start, array.length]);
  }

  bytes(): ByteSection {
    if (this.streaming) throw new RangeError('a byte section was begun while another was being written');
    this.streaming = true;
    const start = this.at;
    return {
      write: (chunk) => this.write(chunk),
      end: () => {
        this.streaming = false;
        return this.placeholder(new Uint8Array(0), ['u8', start, this.at - start]);
      },
    };
  }

  /** The segment of the index the build returned (made of what `put` handed back) and `meta`: hashed, ready to be written. */
  segment(index: IndexData, meta: unknown): EncodedSegment {
    const shape = replaceArrays(index, (array) => {
      const section = this.placeholders.get(array);
      if (section === undefined) throw new RangeError('the index holds an array that was not written to the segment');
      return section;
    });
    const prefix = prefixOf(shape, meta, this.sections);
    const { fd } = this;
    const length = this.at;
    function* body(): Generator<Uint8Array> {
      yield prefix;
      for (let at = 0; at < length;) {
        // A fresh buffer each time: a store may hold chunks (an S3 part) after asking for the next.
        const chunk = Buffer.allocUnsafe(Math.min(SPOOL_CHUNK_BYTES, length - at));
        for (let got = 0; got < chunk.length;) {
          const read = readSync(fd, chunk, got, chunk.length - got, at + got);
          if (read === 0) throw new SnapshotError(`the segment's spool ended at ${at + got} bytes of ${length}`);
          got += read;
        }
        at += chunk.length;
        yield chunk;
      }
    }
    return encoded(body, prefix.length + length);
  }

  async close(): Promise<void> {
    closeSync(this.fd);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Records the section just written and pads to the next one's start. */
  private placeholder<A extends SectionArray>(array: A, section: Section): A {
    this.sections.push(section);
    this.write(PADDING.subarray(0, align(this.at) - this.at));
    const stand = new (array.constructor as new (n: number) => A)(0);
    this.placeholders.set(stand, this.sections.length - 1);
    return stand;
  }

  private write(bytes: Uint8Array): void {
    // A write takes at most 2 GiB - 1; a section can be larger (the title n-grams' postings at ten million movies).
    for (let done = 0; done < bytes.length;)
      done += writeSync(this.fd, bytes, done, Math.min(bytes.length - done, SPOOL_CHUNK_BYTES), this.at + done);
    this.at += bytes.length;
  }
}

/** The segment's bytes in one buffer, and their checksum: for small segments and tests; the store is written from segmentOf's chunks. */
export function encodeSegment(index: IndexData, meta: unknown): { bytes: Buffer; sha256: string } {
  const segment = segmentOf(index, meta);
  return { bytes: Buffer.concat([...segment.chunks()], segment.length), sha256: segment.sha256 };
}

function typeName(array: SectionArray): TypeName {
  if (array instanceof Uint8Array) return 'u8';
  if (array instanceof Uint16Array) return 'u16';
  if (array instanceof Int32Array) return 'i32';
  return 'u32';
}

export function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** The value with each typed array replaced by {"$": its section number}, as `sectionOf` gives it. */
function replaceArrays(value: unknown, sectionOf: (array: SectionArray) => number): unknown {
  if (ArrayBuffer.isView(value)) return { $: sectionOf(value as SectionArray) };
  if (Array.isArray(value)) return value.map((v) => replaceArrays(v, sectionOf));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceArrays(v, sectionOf)]));
  return value;
}
