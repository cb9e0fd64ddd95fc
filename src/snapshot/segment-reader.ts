import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { castNameWords, castWordNames } from '../engine/build/cast-word-names.js';
import type { SectionArray } from '../engine/build/section-sink.js';
import { tableSize } from '../engine/string-table.js';
import type { ExtractIndex, IndexData } from '../engine/index-data.js';
import { SnapshotError } from '../errors/errors.js';
import { pourChunk, type ByteSink } from '../store/object-store.js';
import {
  align,
  ALIGN,
  DIGEST_BYTES,
  MAGIC,
  PREFIX_BYTES,
  readsSegmentFormat,
  SEGMENT_FORMAT,
  TYPES,
  type Header,
  type Section,
  type Segment,
  type TypeName,
} from './segment-codec.js';

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

  /**
   * A reader of an object of `length` bytes (the store's size for it). `onPlanned` is told once the
   * header is in and every view of the rest can be handed out: the store issues the reads of the
   * sections as soon as the call that filled the header returns.
   */
  constructor(
    private readonly length: number,
    private readonly onPlanned: () => void = () => {},
  ) {
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
    this.onPlanned();
  }

  /** Refused once the checksum is known: the rest of the body is only hashed. */
  private skipRest(error: SnapshotError, from: number): void {
    this.headerError = error;
    this.plan(this.bodyLength - from, true);
    this.plan(this.footer, false);
    this.onPlanned();
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
