import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { castNameWords, castWordNames } from '../engine/build/cast-word-names.js';
import type { ByteSection, SectionArray, SectionSink } from '../engine/build/section-sink.js';
import { tableSize } from '../engine/string-table.js';
import type { ExtractIndex, IndexData } from '../engine/index-data.js';
import { SnapshotError } from '../errors/errors.js';

/**
 * The binary segment: a catalogue index as one object, read back by wrapping typed-array views over
 * its bytes, with no parsing of movies and no index to build. See docs/segment-format.md for the
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
const MAGIC = Buffer.from('CINEDEX\0', 'latin1');
const PREFIX_BYTES = 16;
const DIGEST_BYTES = 32;
const ALIGN = 8;
const PADDING = Buffer.alloc(ALIGN);

const TYPES = { u8: Uint8Array, u16: Uint16Array, i32: Int32Array, u32: Uint32Array } as const;
type TypeName = keyof typeof TYPES;

/** A section of the segment: its element type, byte offset from the end of the header (padded to 8) and element count. */
type Section = readonly [TypeName, number, number];
interface Header {
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

/**
 * A segment's checksum worked out while its bytes arrive (ObjectStore's onChunk), so that reading
 * and hashing a large segment overlap instead of following each other: everything but the footer of
 * an object of the `length` its manifest records.
 */
export class SegmentChecksum {
  private readonly hash: Hash = createHash('sha256');
  private readonly bodyLength: number;
  private seen = 0;

  constructor(length: number) {
    this.bodyLength = length - DIGEST_BYTES;
  }

  update(chunk: Uint8Array): void {
    const body = chunk.subarray(0, Math.max(0, this.bodyLength - this.seen));
    if (body.length > 0) this.hash.update(body);
    this.seen += chunk.length;
  }

  /** The digest of `bytes`' body, if these are the bytes it saw: an object of another length is hashed again by decodeSegment. */
  digestOf(bytes: Uint8Array): Buffer | undefined {
    return this.seen === bytes.length && this.bodyLength === bytes.length - DIGEST_BYTES ? this.hash.digest() : undefined;
  }
}

/**
 * Wraps the index over the segment's bytes (no copy when they are 8-byte aligned). Refuses, with a
 * SnapshotError naming what is wrong, anything that is not a whole segment of a known format whose
 * checksum matches (`expectedSha256`, from the pointer, when given). `checksum`, when given, has
 * seen these very bytes as they were read, and spares hashing them again.
 */
export function decodeSegment<Meta>(bytes: Buffer, expectedSha256?: string, checksum?: SegmentChecksum): Segment<Meta> {
  if (endianness() !== 'LE')
    throw new SnapshotError('this host is big-endian; segments are little-endian and cannot be read here', { reason: 'unknown-format' });
  if (bytes.length < PREFIX_BYTES + DIGEST_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SnapshotError('not a cinedex segment (the magic bytes are missing)');
  }
  const format = bytes.readUInt32LE(8);
  if (!readsSegmentFormat(format)) {
    throw new SnapshotError(`segment format ${format} is not one this release reads (format ${SEGMENT_FORMAT}); a newer release wrote it`, {
      reason: 'unknown-format',
    });
  }
  const body = bytes.subarray(0, bytes.length - DIGEST_BYTES);
  const digest = checksum?.digestOf(bytes) ?? createHash('sha256').update(body).digest();
  if (!digest.equals(bytes.subarray(bytes.length - DIGEST_BYTES))) {
    throw new SnapshotError('segment checksum mismatch: the object is damaged or truncated');
  }
  if (expectedSha256 !== undefined && digest.toString('hex') !== expectedSha256) {
    throw new SnapshotError(`segment checksum ${digest.toString('hex')} is not the one the pointer names (${expectedSha256})`);
  }
  const headerLength = bytes.readUInt32LE(12);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerLength)) as Header;
  } catch (error) {
    throw new SnapshotError('segment header is not valid JSON', { cause: error });
  }
  // Typed-array views need their element size's alignment; bytes read into a fresh buffer start at 0, a slice may not.
  const base = body.byteOffset % ALIGN === 0 ? body : Buffer.from(body);
  const dataStart = align(PREFIX_BYTES + headerLength);
  const arrays = header.sections.map(([type, offset, length]) => {
    const View = TYPES[type];
    const start = dataStart + offset;
    if (View === undefined || offset % ALIGN !== 0 || start + length * View.BYTES_PER_ELEMENT > base.length) {
      throw new SnapshotError(`segment section ${type}@${offset} does not fit the object`);
    }
    return new View(base.buffer as ArrayBuffer, base.byteOffset + start, length);
  });
  const index = restoreArrays(header.index, arrays) as IndexData;
  return { index: withDerived(index, format), meta: header.meta as Meta };
}

/**
 * An index written before some of its sections existed, made whole from its tables: each cast
 * name's words; for format 1 also the cast names by word, and no extracts to search.
 */
function withDerived(index: IndexData, format: number): IndexData {
  if (format > 1 && (index.words as Partial<IndexData['words']>).nameWords !== undefined) return index;
  const nameWords = castNameWords(index.cast.terms, index.words.words);
  if (format > 1) return { ...index, words: { ...index.words, nameWords } };
  return {
    ...index,
    words: { ...index.words, nameWords, castNames: castWordNames(nameWords, tableSize(index.words.words)) },
    extract: noExtracts(index.size),
  };
}

/** The extract index of a catalogue without extracts: what a format-1 segment stands for. */
function noExtracts(size: number): ExtractIndex {
  return {
    terms: { bytes: new Uint8Array(0), offsets: new Uint32Array(1) },
    postings: { offsets: new Uint32Array(1), values: new Int32Array(0) },
    frequencies: new Uint8Array(0),
    lengths: new Uint16Array(size),
    documents: 0,
    totalLength: 0,
  };
}

function typeName(array: SectionArray): TypeName {
  if (array instanceof Uint8Array) return 'u8';
  if (array instanceof Uint16Array) return 'u16';
  if (array instanceof Int32Array) return 'i32';
  return 'u32';
}

function align(n: number): number {
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

function restoreArrays(value: unknown, arrays: readonly SectionArray[]): unknown {
  if (Array.isArray(value)) return value.map((v) => restoreArrays(v, arrays));
  if (typeof value === 'object' && value !== null) {
    const ref = (value as { $?: unknown }).$;
    if (typeof ref === 'number' && Object.keys(value).length === 1) {
      const array = arrays[ref];
      if (array === undefined) throw new SnapshotError(`segment header names section ${ref}, which does not exist`);
      return array;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreArrays(v, arrays)]));
  }
  return value;
}
