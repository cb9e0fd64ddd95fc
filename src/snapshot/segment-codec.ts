import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { castNameWords, castWordNames } from '../engine/build/cast-word-names.js';
import type { ByteSection, SectionArray, SectionSink } from '../engine/build/section-sink.js';
import { tableSize } from '../engine/string-table.js';
import type { ExtractIndex, IndexData } from '../engine/index-data.js';
import { SnapshotError } from '../errors/errors.js';
import { pourChunk, type ByteSink } from '../store/object-store.js';

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

/** Hashed at once from a section filling in small pieces (the network's): fewer, larger calls into the hash. */
const HASH_BATCH_BYTES = 4 * 2 ** 20;
/** The most bytes of one view into bytes that are only hashed (padding; all of a segment whose header is refused). */
const SKIP_VIEW_BYTES = 16 * 2 ** 20;

/**
 * What a segment's bytes are read into, in order: the prefix, the header, then each section's own
 * array (hashed as it fills), then the footer. A stretch with a buffer keeps its bytes; one without
 * (padding) is only hashed.
 */
interface Stretch {
  readonly length: number;
  readonly buffer?: Uint8Array;
  /** Part of the checksummed body; the footer is not. */
  readonly hashed: boolean;
  readonly then?: (bytes: Uint8Array) => void;
  filled: number;
  hashedTo: number;
}

/**
 * A segment decoded as its bytes arrive (a ByteSink for ObjectStore.readInto): the prefix and the
 * header first, then every section read straight into a typed array of its own, hashing as it goes.
 * No buffer the size of the segment is ever made: at ten million movies a segment is 7.0 GB, more
 * than one Node 20 buffer holds, while its largest section (the title n-grams' postings) is 2.2 GB.
 *
 * Refusals are those of a segment read whole, with the same messages: wrong magic and unknown
 * formats at once (the read stops there); a header that does not parse or whose sections do not fit
 * only once the checksum is known, so that a damaged object is reported as damaged, as before.
 */
export class SegmentReader<Meta> implements ByteSink {
  private readonly hash = createHash('sha256');
  private readonly stretches: Stretch[] = [];
  /** The stretch the next view comes from, and how much of it was handed out already. */
  private handing = 0;
  private handedOut = 0;
  /** Views handed out and not yet filled, oldest first, with their stretches. */
  private readonly pending: { view: Uint8Array; stretch: Stretch }[] = [];
  private received = 0;
  private ended = false;
  /** A refusal that stops the read. */
  private refusal: SnapshotError | undefined;
  /** A refusal reported only if the checksum matches (else the object is damaged, which says more). */
  private headerError: SnapshotError | undefined;
  private format = 0;
  private header: Header | undefined;
  private readonly arrays: SectionArray[] = [];
  private readonly footer = new Uint8Array(DIGEST_BYTES);

  /** A reader of an object of `length` bytes (the store's size for it). */
  constructor(private readonly length: number) {
    if (endianness() !== 'LE')
      this.refusal = new SnapshotError('this host is big-endian; segments are little-endian and cannot be read here', {
        reason: 'unknown-format',
      });
    else if (length < PREFIX_BYTES + DIGEST_BYTES) this.refusal = notASegment();
    else this.plan(new Uint8Array(PREFIX_BYTES), true, (prefix) => this.readPrefix(prefix));
  }

  next(max: number): Uint8Array | undefined {
    if (this.refusal !== undefined || this.ended) return undefined;
    const stretch = this.stretches[this.handing];
    if (stretch === undefined) return undefined;
    const n = Math.min(max, stretch.length - this.handedOut, stretch.buffer === undefined ? SKIP_VIEW_BYTES : Infinity);
    const view = stretch.buffer?.subarray(this.handedOut, this.handedOut + n) ?? new Uint8Array(n);
    this.handedOut += n;
    if (this.handedOut === stretch.length) {
      this.handing++;
      this.handedOut = 0;
    }
    this.pending.push({ view, stretch });
    return view;
  }

  filled(view: Uint8Array, bytes: number): void {
    const oldest = this.pending.shift();
    if (oldest?.view !== view) throw new RangeError('a segment view was filled out of the order it was handed out in');
    const { stretch } = oldest;
    this.received += bytes;
    stretch.filled += bytes;
    if (bytes < view.length) this.ended = true;
    if (!stretch.hashed) return; // the footer, compared at the end
    if (stretch.buffer === undefined) this.hash.update(view.subarray(0, bytes));
    else if (stretch.filled === stretch.length || stretch.filled - stretch.hashedTo >= HASH_BATCH_BYTES) {
      this.hash.update(stretch.buffer.subarray(stretch.hashedTo, stretch.filled));
      stretch.hashedTo = stretch.filled;
    }
    if (stretch.filled === stretch.length && stretch.then !== undefined && stretch.buffer !== undefined) stretch.then(stretch.buffer);
  }

  /** The segment, or the SnapshotError that refuses it; `expectedSha256` is the checksum the pointer or manifest names. */
  result(expectedSha256?: string): Segment<Meta> {
    if (this.refusal !== undefined) throw this.refusal;
    if (this.received !== this.length || this.pending.length > 0)
      throw new SnapshotError('segment checksum mismatch: the object is damaged or truncated');
    const digest = this.hash.digest();
    if (!digest.equals(this.footer)) throw new SnapshotError('segment checksum mismatch: the object is damaged or truncated');
    if (expectedSha256 !== undefined && digest.toString('hex') !== expectedSha256) {
      throw new SnapshotError(`segment checksum ${digest.toString('hex')} is not the one the pointer names (${expectedSha256})`);
    }
    if (this.headerError !== undefined || this.header === undefined)
      throw this.headerError ?? new SnapshotError('segment checksum mismatch: the object is damaged or truncated');
    const index = restoreArrays(this.header.index, this.arrays) as IndexData;
    return { index: withDerived(index, this.format), meta: this.header.meta as Meta };
  }

  private plan(buffer: Uint8Array | number, hashed: boolean, then?: (bytes: Uint8Array) => void): void {
    const length = typeof buffer === 'number' ? buffer : buffer.length;
    if (length === 0) return;
    this.stretches.push({
      length,
      ...(typeof buffer === 'number' ? {} : { buffer }),
      hashed,
      ...(then ? { then } : {}),
      filled: 0,
      hashedTo: 0,
    });
  }

  private get bodyLength(): number {
    return this.length - DIGEST_BYTES;
  }

  private readPrefix(prefix: Uint8Array): void {
    const bytes = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.length);
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
      this.refusal = notASegment();
      return;
    }
    this.format = bytes.readUInt32LE(8);
    if (!readsSegmentFormat(this.format)) {
      this.refusal = new SnapshotError(
        `segment format ${this.format} is not one this release reads (format ${SEGMENT_FORMAT}); a newer release wrote it`,
        { reason: 'unknown-format' },
      );
      return;
    }
    const headerLength = bytes.readUInt32LE(12);
    const dataStart = align(PREFIX_BYTES + headerLength);
    if (dataStart > this.bodyLength) {
      this.skipRest(new SnapshotError(`segment header of ${headerLength} bytes does not fit the object`), PREFIX_BYTES);
      return;
    }
    this.plan(new Uint8Array(dataStart - PREFIX_BYTES), true, (padded) => this.readHeader(padded, headerLength, dataStart));
  }

  private readHeader(padded: Uint8Array, headerLength: number, dataStart: number): void {
    try {
      this.header = JSON.parse(Buffer.from(padded.buffer, padded.byteOffset, headerLength).toString('utf8')) as Header;
    } catch (error) {
      this.skipRest(new SnapshotError('segment header is not valid JSON', { cause: error }), dataStart);
      return;
    }
    try {
      this.planSections(dataStart);
    } catch (error) {
      if (!(error instanceof SnapshotError)) throw error;
      this.skipRest(error, dataStart);
    }
  }

  /** A typed array for each section, the bytes between them skipped, then the footer. */
  private planSections(dataStart: number): void {
    const listed: unknown = this.header?.sections;
    if (!Array.isArray(listed)) throw new SnapshotError('segment header lists no sections');
    const sections = (listed as Section[]).map(([type, offset, length], number) => {
      const View = TYPES[type] as (typeof TYPES)[TypeName] | undefined;
      const start = dataStart + offset;
      const bytes = View === undefined || !Number.isSafeInteger(length) || length < 0 ? NaN : length * View.BYTES_PER_ELEMENT;
      if (View === undefined || offset % ALIGN !== 0 || !(start + bytes <= this.bodyLength)) {
        throw new SnapshotError(`segment section ${type}@${offset} does not fit the object`);
      }
      return { View, type, offset, length, start, bytes, number };
    });
    const stretches: { start: number; array: SectionArray }[] = [];
    for (const section of sections) {
      let array: SectionArray;
      try {
        array = new section.View(section.length);
      } catch (error) {
        throw new SnapshotError(`segment section ${section.type}@${section.offset} is larger than this Node's arrays`, { cause: error });
      }
      this.arrays[section.number] = array;
      if (section.bytes > 0) stretches.push({ start: section.start, array });
    }
    stretches.sort((a, b) => a.start - b.start);
    let at = dataStart;
    for (const { start, array } of stretches) {
      if (start < at) throw new SnapshotError(`segment section at ${start - dataStart} overlaps the one before it`);
      this.plan(start - at, true);
      this.plan(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), true);
      at = start + array.byteLength;
    }
    this.plan(this.bodyLength - at, true);
    this.plan(this.footer, false);
  }

  /** Refused once the checksum is known: the rest of the body is only hashed. */
  private skipRest(error: SnapshotError, from: number): void {
    this.headerError = error;
    this.plan(this.bodyLength - from, true);
    this.plan(this.footer, false);
  }
}

function notASegment(): SnapshotError {
  return new SnapshotError('not a cinedex segment (the magic bytes are missing)');
}

/**
 * Decodes a segment held whole in memory (tests, tools; a replica reads through SegmentReader):
 * refused, with a SnapshotError naming what is wrong, unless it is a whole segment of a known format
 * whose checksum matches (`expectedSha256`, from the pointer, when given).
 */
export function decodeSegment<Meta>(bytes: Uint8Array, expectedSha256?: string): Segment<Meta> {
  const reader = new SegmentReader<Meta>(bytes.length);
  pourChunk(bytes, reader);
  return reader.result(expectedSha256);
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
