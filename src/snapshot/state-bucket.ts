import type { MovieEntry } from '../merge/merge-state.js';
import type { HistoryEntry } from './audit.js';
import { SnapshotError } from '../errors/errors.js';

/**
 * The merge state is kept in STATE_BUCKETS objects by the first byte of the movie id (ids are uniformly
 * spread), so a run reads and writes the buckets its records touch, not the catalogue. A bucket is
 * NDJSON, one entry per line in id order, and deliberately not compressed: a run rewrites a bucket by
 * copying the lines it did not touch byte for byte and encoding only the entries it changed, so its
 * cost is a copy of the bucket plus the work on the records it applies (gzip would make every
 * rewrite a full decompress and recompress, 5-10 times the copy at a million movies).
 *
 * An entry carries the movie's whole history (the audit) beside its values: complete, read with the
 * movie, and rewritten only when the movie changes.
 */
export const STATE_BUCKETS = 256;

export interface StateEntry extends MovieEntry {
  /**
   * The ids of the other movies sharing this entry's key (the seed holds a few such pairs), on the
   * first one only (occurrence 0, whose id is the key's hash): a record for the key applies to all
   * of them, and this is how a run finds the buckets they live in.
   */
  siblings?: string[];
  /** Every change to the movie, oldest first. */
  history: HistoryEntry[];
}

export function stateBucketOf(id: string): number {
  return parseInt(id.slice(0, 2), 16);
}

/** Every line starts with the entry's id: `{"id":"0123456789abcdef"`. */
const ID_START = 7;
const ID_END = ID_START + 16;
const LINE_PREFIX = Buffer.from('{"id":"');
const NEWLINE = 0x0a;

/**
 * A bucket's bytes with an index of its lines (where each starts, no strings): an entry is parsed
 * only when asked for, found by comparing id bytes in place, and `rewrite` copies every other line
 * as it was. At a million movies a run that touches every bucket indexes a million lines, so the
 * index allocates nothing per line.
 */
export class StateBucket {
  private constructor(
    private readonly bytes: Buffer,
    /** Where each line starts, ascending, and one more element: the end. */
    private readonly lineStarts: Uint32Array,
  ) {}

  static readonly EMPTY = new StateBucket(Buffer.alloc(0), Uint32Array.of(0));

  /** Indexes the lines; refuses (SnapshotError) bytes that are not a bucket's. */
  static read(bytes: Buffer, name = 'state bucket'): StateBucket {
    let starts = new Uint32Array(1024);
    let lines = 0;
    let at = 0;
    while (at < bytes.length) {
      const end = bytes.indexOf(NEWLINE, at);
      if (end === -1) throw new SnapshotError(`${name} does not end with a newline: it is truncated`);
      if (end - at < ID_END + 1 || bytes.compare(LINE_PREFIX, 0, LINE_PREFIX.length, at, at + LINE_PREFIX.length) !== 0) {
        throw new SnapshotError(`${name} line ${lines + 1} does not start with an entry id`);
      }
      const previous = starts[lines - 1];
      if (previous !== undefined && bytes.compare(bytes, previous + ID_START, previous + ID_END, at + ID_START, at + ID_END) <= 0) {
        throw new SnapshotError(`${name} is not in id order at line ${lines + 1}`);
      }
      if (lines + 1 >= starts.length) {
        const grown = new Uint32Array(starts.length * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[lines++] = at;
      at = end + 1;
    }
    starts[lines] = bytes.length;
    return new StateBucket(bytes, starts.slice(0, lines + 1));
  }

  get size(): number {
    return this.lineStarts.length - 1;
  }

  get byteLength(): number {
    return this.bytes.length;
  }

  /** The entry with this id, parsed, or undefined. */
  entry(id: string): StateEntry | undefined {
    const line = this.lineOf(id);
    if (line < 0) return undefined;
    return this.parse(line, id);
  }

  /** Every entry, parsed: for conversions and tests, not for runs. */
  *entries(): Generator<StateEntry> {
    for (let line = 0; line < this.size; line++) yield this.parse(line, this.idAt(line));
  }

  /**
   * The bucket with `changed` entries written over (or added beside) its own, in id order: every
   * other line is copied as it is.
   */
  rewrite(changed: readonly StateEntry[]): Buffer {
    const sorted = [...changed].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const parts: Buffer[] = [];
    let line = 0;
    const copyUpTo = (end: number) => {
      if (end > line) parts.push(this.bytes.subarray(this.lineStarts[line], this.lineStarts[end]));
    };
    for (const entry of sorted) {
      const at = this.insertionPoint(entry.id);
      copyUpTo(at);
      parts.push(Buffer.from(encodeStateEntry(entry) + '\n'));
      line = at < this.size && this.idAt(at) === entry.id ? at + 1 : at;
    }
    copyUpTo(this.size);
    return Buffer.concat(parts);
  }

  private parse(line: number, id: string): StateEntry {
    const text = this.bytes.toString('utf8', this.lineStarts[line], (this.lineStarts[line + 1] as number) - 1);
    try {
      return JSON.parse(text) as StateEntry;
    } catch (error) {
      throw new SnapshotError(`state entry ${id} is not valid JSON: ${(error as Error).message}`);
    }
  }

  private idAt(line: number): string {
    const start = this.lineStarts[line] as number;
    return this.bytes.toString('latin1', start + ID_START, start + ID_END);
  }

  private lineOf(id: string): number {
    const at = this.insertionPoint(id);
    return at < this.size && this.idAt(at) === id ? at : -1;
  }

  /** The first line whose id is not below `id`. */
  private insertionPoint(id: string): number {
    const wanted = Buffer.from(id, 'latin1');
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = this.lineStarts[mid] as number;
      if (this.bytes.compare(wanted, 0, wanted.length, start + ID_START, start + ID_END) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A fixed member order (id first: the line index reads it without parsing), so equal entries are equal bytes. */
export function encodeStateEntry(entry: StateEntry): string {
  return JSON.stringify({
    id: entry.id,
    key: entry.key,
    values: entry.values,
    deleted: entry.deleted,
    stamps: entry.stamps,
    ...(entry.siblings && entry.siblings.length > 0 ? { siblings: entry.siblings } : {}),
    history: entry.history,
  });
}

/**
 * encodeStateEntry's line for an entry as a seed makes it (not deleted, no stamps, no history),
 * from its values' JSON (JSON.stringify's, in the order of the entry's values): the seed has them
 * as text, and parsing a million of them only to serialise them again is most of its writing time.
 */
export function seedStateLine(id: string, key: string, valuesJson: string, siblings: readonly string[] | undefined): string {
  const siblingsJson = siblings && siblings.length > 0 ? `"siblings":${JSON.stringify(siblings)},` : '';
  return `{"id":${JSON.stringify(id)},"key":${JSON.stringify(key)},"values":${valuesJson},"deleted":false,"stamps":{},${siblingsJson}"history":[]}`;
}

/**
 * A whole bucket from entries in any order (seeding, conversions): the same bytes as `rewrite` over
 * an empty bucket, encoded as one string, not a buffer a line (a million small buffers at the seed).
 */
export function encodeStateBucket(entries: readonly StateEntry[]): Buffer {
  const lines = entries.map((entry) => ({ id: entry.id, line: encodeStateEntry(entry) }));
  lines.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return Buffer.from(lines.map((l) => l.line + '\n').join(''));
}
