import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { compareMovies, type MovieRecord } from '../catalogue/movie.js';
import { MOVIE_ID_PATTERN } from '../catalogue/id.js';
import { movieKey } from '../catalogue/normalise.js';
import { validateRecord } from '../catalogue/validate.js';
import type { MergedField, MovieEntry } from '../merge/merge-state.js';
import type { Stamp } from '../merge/stamp.js';
import { SnapshotError, type AuditEntry, type LedgerEntry, type RunSummary, type Snapshot } from './snapshot.js';

const FORMAT = 'cinedex-snapshot/1';
const gzipAsync = promisify(gzip);
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
  const lines: string[] = [JSON.stringify(header)];
  const entries = [...snapshot.entries].sort((a, b) => compareMovies({ ...a.values, id: a.id }, { ...b.values, id: b.id }));
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as MovieEntry;
    if (i % 2000 === 1999) await yieldToEventLoop();
    const stamps: Partial<Record<MergedField, StampRef>> = {};
    for (const field of Object.keys(entry.stamps).sort() as MergedField[]) stamps[field] = refOf(entry.stamps[field] as Stamp);
    lines.push(JSON.stringify({ id: entry.id, ...orderedValues(entry.values), deleted: entry.deleted, stamps }));
  }
  for (const entry of snapshot.ledger) lines.push(JSON.stringify(entry));
  for (const run of snapshot.runs) lines.push(JSON.stringify(run));
  for (const audit of snapshot.audit) lines.push(JSON.stringify(audit));
  // Joined in chunks: a million-movie snapshot is larger than the longest string V8 allows.
  const chunks: Buffer[] = [];
  for (let i = 0; i < lines.length; i += 10_000) chunks.push(Buffer.from(lines.slice(i, i + 10_000).join('\n') + '\n'));
  return gzipAsync(Buffer.concat(chunks), { level: 6 });
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
    throw new SnapshotError(`snapshot is not valid gzip: ${(error as Error).message}`);
  }
  // Split on newline bytes, never decoding the whole text as one string (too long for V8 at a million movies).
  const lines: string[] = [];
  for (let start = 0; start < raw.length;) {
    const end = raw.indexOf(10, start);
    const stop = end === -1 ? raw.length : end;
    lines.push(raw.toString('utf8', start, stop));
    start = stop + 1;
  }
  let cursor = 0;
  const next = (): unknown => {
    const line = lines[cursor];
    if (line === undefined) throw new SnapshotError(`snapshot ends early at line ${cursor + 1}`);
    cursor++;
    try {
      return JSON.parse(line);
    } catch {
      throw new SnapshotError(`snapshot line ${cursor} is not valid JSON`);
    }
  };
  const header = next() as Header;
  if (header?.format !== FORMAT || !header.counts) throw new SnapshotError(`snapshot format is not ${FORMAT}`);
  const { counts } = header;
  if (lines.length !== 1 + counts.entries + counts.ledger + counts.runs + counts.audit) {
    throw new SnapshotError(
      `snapshot has ${lines.length} lines, its header promises ${1 + counts.entries + counts.ledger + counts.runs + counts.audit}`,
    );
  }
  const rawEntries: unknown[] = [];
  for (let i = 0; i < counts.entries; i++) {
    rawEntries.push(next());
    if (i % 2000 === 1999) await yieldToEventLoop();
  }
  const ledger: LedgerEntry[] = [];
  for (let i = 0; i < counts.ledger; i++) ledger.push(next() as LedgerEntry);
  const runs: RunSummary[] = [];
  for (let i = 0; i < counts.runs; i++) runs.push(next() as RunSummary);
  const audit: AuditEntry[] = [];
  for (let i = 0; i < counts.audit; i++) audit.push(next() as AuditEntry);
  const entries: MovieEntry[] = [];
  for (let i = 0; i < rawEntries.length; i++) {
    entries.push(decodeEntry(rawEntries[i], i, ledger));
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

function decodeEntry(raw: unknown, index: number, ledger: readonly LedgerEntry[]): MovieEntry {
  const fail = (why: string) => new SnapshotError(`snapshot entry ${index + 1}: ${why}`);
  if (typeof raw !== 'object' || raw === null) throw fail('not an object');
  const { id, deleted, stamps, ...rest } = raw as { id?: unknown; deleted?: unknown; stamps?: unknown };
  if (typeof id !== 'string' || !MOVIE_ID_PATTERN.test(id)) throw fail('invalid id');
  if (typeof deleted !== 'boolean') throw fail('invalid deleted flag');
  const checked = validateRecord(rest);
  if (!checked.ok) throw fail(checked.reason);
  const values = { cast: [], genres: [], ...checked.record.fields } as MovieRecord;
  const decodedStamps: Partial<Record<MergedField, Stamp>> = {};
  for (const [field, ref] of Object.entries((stamps ?? {}) as Record<string, unknown>)) {
    const pair = Array.isArray(ref) ? (ref as unknown[]) : [];
    const source = ledger[pair[0] as number];
    if (!source || !Number.isInteger(pair[1])) throw fail(`invalid stamp for ${field}`);
    decodedStamps[field as MergedField] = { lastModified: source.lastModified, objectKey: source.key, position: pair[1] as number };
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
