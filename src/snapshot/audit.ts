import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { SnapshotError } from '../errors/errors.js';
import type { AuditEntry, LedgerEntry } from './snapshot.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * The audit trail, kept apart from the segment: every replica loads the segment, while a movie's
 * history is read only when someone asks for it. Entries are grouped into AUDIT_BUCKETS buckets by
 * the first two hex digits of the movie id (ids are uniformly spread), each bucket one object named
 * by its content, so a run rewrites only the buckets its changes touch, and a history request reads
 * one object.
 */
export const AUDIT_BUCKETS = 256;

/** One changed field of one movie, with where the change came from. */
export interface HistoryEntry {
  readonly field: string;
  readonly old: unknown;
  readonly new: unknown;
  readonly object: string;
  readonly provider: string;
  readonly lastModified: string;
  readonly run: string;
}

/** A history entry and the movie it belongs to, as a bucket stores it. */
export interface AuditRecord extends HistoryEntry {
  readonly id: string;
}

export function bucketOf(id: string): number {
  return parseInt(id.slice(0, 2), 16);
}

/** An audit entry with its source object resolved from the ledger. */
export function auditRecord(entry: AuditEntry, ledger: readonly LedgerEntry[]): AuditRecord {
  const source = ledger[entry.source] as LedgerEntry;
  return {
    id: entry.id,
    field: entry.field,
    old: entry.old,
    new: entry.new,
    object: source.key,
    provider: source.provider,
    lastModified: new Date(source.lastModified).toISOString(),
    run: entry.run,
  };
}

/** One record per line, in the order the changes were made, gzipped. */
export async function encodeBucket(records: readonly AuditRecord[]): Promise<Buffer> {
  return gzipAsync(Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : '')), { level: 6 });
}

export async function decodeBucket(bytes: Buffer): Promise<AuditRecord[]> {
  let text: string;
  try {
    text = (await gunzipAsync(bytes)).toString('utf8');
  } catch (error) {
    throw new SnapshotError(`audit bucket is not valid gzip: ${(error as Error).message}`, { cause: error });
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as AuditRecord;
      } catch (error) {
        throw new SnapshotError(`audit bucket line ${i + 1} is not valid JSON`, { cause: error });
      }
    });
}

/** A movie's history, newest first. */
export function historyOf(records: readonly AuditRecord[], id: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i] as AuditRecord;
    if (r.id === id)
      out.push({
        field: r.field,
        old: r.old,
        new: r.new,
        object: r.object,
        provider: r.provider,
        lastModified: r.lastModified,
        run: r.run,
      });
  }
  return out;
}
