import type { MergedField, MovieEntry } from '../merge/merge-state.js';

/** What happened to one inbox object: every object ends applied or rejected, never lost. */
export interface LedgerEntry {
  readonly key: string;
  readonly etag: string;
  readonly lastModified: number;
  readonly size: number;
  readonly provider: string;
  readonly run: string;
  readonly status: 'applied' | 'rejected';
  /** Why the whole object was rejected. */
  readonly reason?: string;
  readonly recordsApplied: number;
  readonly recordsRejected: number;
  /** The first rejected records with reasons (bounded; `recordsRejected` has the full count). */
  readonly rejections: readonly { readonly index: number; readonly reason: string }[];
}

export interface RunSummary {
  readonly id: string;
  readonly sequence: number;
  readonly objectsApplied: number;
  readonly objectsRejected: number;
  readonly recordsApplied: number;
  readonly recordsRejected: number;
  readonly changes: number;
}

/** One changed field of one movie; `source` indexes the ledger (object key, provider, last-modified). */
export interface AuditEntry {
  readonly id: string;
  readonly field: MergedField;
  readonly old: unknown;
  readonly new: unknown;
  readonly source: number;
  readonly run: string;
}

/**
 * The catalogue's whole state at one version: entries (tombstones included, so later merges stay
 * order-independent), the ledger of inbox objects, run summaries and the audit trail. Nothing
 * time-of-day dependent is inside, so the same inputs always give the same bytes.
 */
export interface Snapshot {
  readonly sequence: number;
  readonly basedOn: string | null;
  readonly entries: readonly MovieEntry[];
  readonly ledger: readonly LedgerEntry[];
  readonly runs: readonly RunSummary[];
  readonly audit: readonly AuditEntry[];
}

/** The small mutable object naming the current snapshot; serving processes poll it. */
export interface Pointer {
  readonly format: 'cinedex-pointer/1';
  readonly version: string;
  readonly snapshotKey: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly sequence: number;
  readonly movies: number;
  readonly createdAt: string;
}

export const POINTER_KEY = 'catalogue/current.json';
export const SNAPSHOT_PREFIX = 'catalogue/snapshots/';

export class SnapshotError extends Error {
  readonly code = 'INVALID_SNAPSHOT';
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}
