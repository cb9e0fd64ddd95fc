/**
 * The merge state's codec: every entry with its field stamps, the ledger and the run summaries
 * (and the audit, in format 1 snapshots), as gzipped NDJSON. The next ingestion run reads it to
 * merge on top; replicas serve the segment instead (segment-codec.ts).
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { createGzip, gunzip } from 'node:zlib';
import { compareMovies, type MovieRecord } from '../catalogue/movie.js';
import { MOVIE_ID_PATTERN } from '../catalogue/id.js';
import { movieKey } from '../catalogue/normalise.js';
import { StringPool, validateRecord } from '../catalogue/validate.js';
import { SnapshotError } from '../errors/errors.js';
import type { MergedField, MovieEntry } from '../merge/merge-state.js';
import type { Stamp } from '../merge/stamp.js';
import type { AuditEntry, LedgerEntry, RunSummary, Snapshot } from './snapshot.js';

const FORMAT = 'cinedex-snapshot/1';
const gunzipAsync = promisify(gunzip);

interface Header {
  format: string;
  sequence: number;
  basedOn: string | null;
  counts: { entries: number; ledger: number; runs: number; audit: number };
  /** The audit buckets' objects (pointer format 2); absent in snapshots holding their audit inline. */
  auditBuckets?: (string | null)[];
}

/** Encoded stamp: [ledger index, position]; the ledger holds the object key and last-modified time. */
type StampRef = [number, number];

/**
 * NDJSON (one entry per line) rather than one JSON document: a million-movie catalogue would not
 * fit one JavaScript string, and lines can be parsed a slice at a time. Gzipped with a fixed
 * header, so equal snapshots are equal bytes.
 */
export async function encodeSnapshot(snapshot: Snapshot): Promise<Buffer> {
  const sourceIndex = new Map<string, number>();
  snapshot.ledger.forEach((entry, i) => sourceIndex.set(`${entry.lastModified}\u0000${entry.key}`, i));
  const refOf = (stamp: Stamp): StampRef => {
    const index = sourceIndex.get(`${stamp.lastModified}\u0000${stamp.objectKey}`);
    if (index === undefined) throw new SnapshotError(`stamp names object ${stamp.objectKey}, which is not in the ledger`);
    return [index, stamp.position];
  };
  const header: Header = {
    format: FORMAT,
    sequence: snapshot.sequence,
    basedOn: snapshot.basedOn,
    counts: {
      entries: snapshot.entries.length,
      ledger: snapshot.ledger.length,
      runs: snapshot.runs.length,
      audit: snapshot.audit.length,
    },
    ...(snapshot.auditBuckets ? { auditBuckets: [...snapshot.auditBuckets] } : {}),
  };
  // Sorted through a key per entry: a comparator building its arguments would allocate twice per comparison.
  const order = snapshot.entries
    .map((entry) => ({ year: entry.values.year, title: entry.values.title, id: entry.id, entry }))
    .sort(compareMovies);
  const gzip = new GzipLines();
  await gzip.write([JSON.stringify(header)]);
  let batch: string[] = [];
  for (const { entry } of order) {
    const stamps: Partial<Record<MergedField, StampRef>> = {};
    for (const field of Object.keys(entry.stamps).sort() as MergedField[]) stamps[field] = refOf(entry.stamps[field] as Stamp);
    batch.push(JSON.stringify({ id: entry.id, ...orderedValues(entry.values), deleted: entry.deleted, stamps }));
    if (batch.length === 2000) {
      await gzip.write(batch);
      batch = [];
    }
  }
  for (const entry of snapshot.ledger) batch.push(JSON.stringify(entry));
  for (const run of snapshot.runs) batch.push(JSON.stringify(run));
  for (const audit of snapshot.audit) batch.push(JSON.stringify(audit));
  await gzip.write(batch);
  return gzip.end();
}

/**
 * Lines compressed as they are written, a batch at a time: a million-movie snapshot is larger than
 * the longest string V8 allows, and holding its whole text beside its gzip would double the
 * ingester's peak. Deflate's output does not depend on how its input is split, so the bytes equal
 * one gzip of the whole text.
 */
class GzipLines {
  private readonly stream = createGzip({ level: 6 });
  private readonly out: Buffer[] = [];
  private failure: Error | undefined;

  constructor() {
    this.stream.on('data', (chunk: Buffer) => this.out.push(chunk));
    this.stream.on('error', (error: Error) => (this.failure = error));
  }

  /** Writes the lines, each followed by a newline; resolves when zlib can take more, yielding the event loop either way. */
  async write(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    if (!this.stream.write(lines.join('\n') + '\n')) await once(this.stream, 'drain');
    else await yieldToEventLoop();
    if (this.failure) throw this.failure;
  }

  async end(): Promise<Buffer> {
    const ended = once(this.stream, 'end');
    this.stream.end();
    await ended;
    if (this.failure) throw this.failure;
    return Buffer.concat(this.out);
  }
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Parses and validates a snapshot; anything off is a SnapshotError and the snapshot is refused. */
export async function decodeSnapshot(bytes: Buffer): Promise<Snapshot> {
  let raw: Buffer;
  try {
    raw = await gunzipAsync(bytes);
  } catch (error) {
    throw new SnapshotError(`snapshot is not valid gzip: ${(error as Error).message}`, { cause: error });
  }
  // Line boundaries only, never the whole text as one string (too long for V8 at a million movies),
  // nor every line as a string at once: each line is decoded and parsed when it is read.
  const ends: number[] = [];
  for (let at = raw.indexOf(10); at !== -1; at = raw.indexOf(10, at + 1)) ends.push(at);
  if (ends.length === 0 || ends[ends.length - 1] !== raw.length - 1) ends.push(raw.length);
  const line = (i: number): unknown => {
    if (i >= ends.length) throw new SnapshotError(`snapshot ends early at line ${i + 1}`);
    try {
      return JSON.parse(raw.toString('utf8', i === 0 ? 0 : (ends[i - 1] as number) + 1, ends[i]));
    } catch (error) {
      throw new SnapshotError(`snapshot line ${i + 1} is not valid JSON`, { cause: error });
    }
  };
  const header = line(0) as Header;
  if (header?.format !== FORMAT || !header.counts) throw new SnapshotError(`snapshot format is not ${FORMAT}`);
  const { counts } = header;
  if (ends.length !== 1 + counts.entries + counts.ledger + counts.runs + counts.audit) {
    throw new SnapshotError(
      `snapshot has ${ends.length} lines, its header promises ${1 + counts.entries + counts.ledger + counts.runs + counts.audit}`,
    );
  }
  // The ledger follows the entries, and decoding an entry needs it: read the tail first.
  let cursor = 1 + counts.entries;
  const ledger: LedgerEntry[] = [];
  for (let i = 0; i < counts.ledger; i++) ledger.push(line(cursor++) as LedgerEntry);
  const runs: RunSummary[] = [];
  for (let i = 0; i < counts.runs; i++) runs.push(line(cursor++) as RunSummary);
  const audit: AuditEntry[] = [];
  for (let i = 0; i < counts.audit; i++) audit.push(line(cursor++) as AuditEntry);
  const entries: MovieEntry[] = [];
  const names = new StringPool();
  for (let i = 0; i < counts.entries; i++) {
    entries.push(decodeEntry(line(1 + i), i, ledger, names));
    // A serving process decodes the next version beside live traffic: give the event loop turns.
    if (i % 2000 === 1999) await yieldToEventLoop();
  }
  const buckets = header.auditBuckets;
  if (buckets !== undefined && (!Array.isArray(buckets) || !buckets.every((k) => k === null || typeof k === 'string'))) {
    throw new SnapshotError('snapshot audit bucket table is not a list of object keys');
  }
  const snapshot = { sequence: header.sequence, basedOn: header.basedOn, entries, ledger, runs, audit };
  return buckets === undefined ? snapshot : { ...snapshot, auditBuckets: buckets };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function decodeEntry(raw: unknown, index: number, ledger: readonly LedgerEntry[], names: StringPool): MovieEntry {
  const fail = (why: string) => new SnapshotError(`snapshot entry ${index + 1}: ${why}`);
  if (typeof raw !== 'object' || raw === null) throw fail('not an object');
  const { id, deleted, stamps, ...rest } = raw as { id?: unknown; deleted?: unknown; stamps?: unknown };
  if (typeof id !== 'string' || !MOVIE_ID_PATTERN.test(id)) throw fail('invalid id');
  if (typeof deleted !== 'boolean') throw fail('invalid deleted flag');
  const checked = validateRecord(rest, names);
  if (!checked.ok) throw fail(checked.reason);
  const values = { cast: [], genres: [], ...checked.record.fields } as MovieRecord;
  const decodedStamps: Partial<Record<MergedField, Stamp>> = {};
  // The fields one record set share one stamp: one object for them, not one per field (a million entries).
  let last: Stamp | undefined;
  for (const [field, ref] of Object.entries((stamps ?? {}) as Record<string, unknown>)) {
    const pair = Array.isArray(ref) ? (ref as unknown[]) : [];
    const source = ledger[pair[0] as number];
    if (!source || !Number.isInteger(pair[1])) throw fail(`invalid stamp for ${field}`);
    const position = pair[1] as number;
    if (last?.objectKey !== source.key || last.lastModified !== source.lastModified || last.position !== position)
      last = { lastModified: source.lastModified, objectKey: source.key, position };
    decodedStamps[field as MergedField] = last;
  }
  return { id, key: movieKey(values.title, values.year), values, deleted, stamps: decodedStamps };
}

function orderedValues(values: MovieRecord): Record<string, unknown> {
  const { title, year, cast, genres, ...optional } = values;
  const out: Record<string, unknown> = { title, year, cast, genres };
  for (const field of Object.keys(optional).sort()) {
    const value = (optional as Record<string, unknown>)[field];
    if (value !== undefined) out[field] = value;
  }
  return out;
}
