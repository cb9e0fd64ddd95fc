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
 * The catalogue's merge state at one version: entries (tombstones included, so later merges stay
 * order-independent), the ledger of inbox objects and the run summaries: what an ingestion run
 * needs, and nothing a serving process reads. Nothing time-of-day dependent is inside, so the same
 * inputs always give the same bytes.
 */
export interface Snapshot {
  readonly sequence: number;
  readonly basedOn: string | null;
  readonly entries: readonly MovieEntry[];
  readonly ledger: readonly LedgerEntry[];
  readonly runs: readonly RunSummary[];
  /** The audit trail, only in snapshots of pointer format 1; later ones keep it in buckets (snapshot/audit.ts). */
  readonly audit: readonly AuditEntry[];
  /** Pointer format 2: the object holding each audit bucket's history, or null while a bucket is empty. */
  readonly auditBuckets?: readonly (string | null)[];
}

/** An object of the store and its checksum. */
export interface ObjectRef {
  readonly key: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** The first format: one NDJSON snapshot holding everything. Still read, so that an upgrade needs no migration step. */
export interface LegacyPointer {
  readonly format: 'cinedex-pointer/1';
  readonly version: string;
  readonly snapshotKey: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly sequence: number;
  readonly movies: number;
  readonly createdAt: string;
}

/** The merge state for the next ingestion run, and the segment every replica serves from. */
export interface SegmentPointer {
  readonly format: 'cinedex-pointer/2';
  readonly version: string;
  readonly sequence: number;
  readonly movies: number;
  readonly createdAt: string;
  readonly state: ObjectRef;
  readonly segment: ObjectRef & { readonly format: number };
}

/** What the store held after a run's garbage collection, as that run saw it. */
export interface StoreStats {
  readonly objects: number;
  readonly bytes: number;
  /** What that collection deleted. */
  readonly collected: { readonly objects: number; readonly bytes: number };
}

/**
 * Format 3: a version is a manifest (snapshot/manifest.ts) naming a base segment, delta segments and
 * the merge state's buckets; a run writes only what it changed.
 */
export interface VersionPointer {
  readonly format: 'cinedex-pointer/3';
  readonly version: string;
  readonly sequence: number;
  readonly movies: number;
  readonly createdAt: string;
  readonly manifest: ObjectRef;
  readonly store: StoreStats;
}

/** The small mutable object naming the current version; serving processes poll it. */
export type Pointer = LegacyPointer | SegmentPointer | VersionPointer;

export const POINTER_FORMATS = ['cinedex-pointer/1', 'cinedex-pointer/2', 'cinedex-pointer/3'] as const;
export const POINTER_KEY = 'catalogue/current.json';
export const STATE_PREFIX = 'catalogue/state/';
export const SEGMENT_PREFIX = 'catalogue/segments/';
export const AUDIT_PREFIX = 'catalogue/audit/';
export const VERSION_PREFIX = 'catalogue/versions/';
/** Everything cinedex writes lives under it; garbage collection lists it. */
export const CATALOGUE_PREFIX = 'catalogue/';
