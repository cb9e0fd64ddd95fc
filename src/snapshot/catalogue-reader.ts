/**
 * The serving contract: what the HTTP API reads a catalogue version through. live/ implements it
 * (and swaps versions behind it); tests and tools hand the API a fixed one. Loading a version from
 * the store is load-dataset.ts.
 */
import type { CatalogueIndex } from '../engine/catalogue-index.js';
import type { HistoryEntry } from './audit.js';
import type { Compaction } from './manifest.js';
import type { LedgerEntry, Pointer, RunSummary, StoreStats } from './snapshot.js';

export type { HistoryEntry } from './audit.js';

export interface LastRun {
  readonly summary: RunSummary;
  /** The objects that run processed, with rejection reasons. */
  readonly objects: readonly LedgerEntry[];
}

/**
 * Everything a serving process answers from, for one version: the search index plus provenance.
 * Loaded whole and swapped whole.
 */
export interface Dataset {
  readonly index: CatalogueIndex;
  /** Absent when the data did not come from a published snapshot (tests, tools). */
  readonly pointer?: Pointer;
  readonly lastRun?: LastRun;
  /** A movie's changes, newest first; may read the store (the audit lives apart from the index). */
  history(id: string): Promise<HistoryEntry[]>;
  /** How the version is made (pointer format 3): its base, its deltas, the last merge, the store. */
  readonly segments?: SegmentsStatus;
  /** The operator's synonyms the version was published with (synonyms-file.ts); null: none. Absent before manifests. */
  readonly synonyms?: SynonymsStatus | null;
}

export interface SynonymsStatus {
  /** The object in the version, and the operator's file (key, ETag) it was read from. */
  readonly key: string;
  readonly source: { readonly key: string; readonly etag: string };
  readonly entries: number;
}

export interface SegmentsStatus {
  readonly base: { readonly sequence: number; readonly movies: number; readonly bytes: number };
  readonly deltas: {
    readonly count: number;
    readonly sequences: readonly number[];
    readonly movies: number;
    readonly deletes: number;
    readonly bytes: number;
  };
  readonly lastCompaction: Compaction | null;
  /** What the store held after the garbage collection of the run that published this version. */
  readonly store: StoreStats;
}

/**
 * What the servers read: the dataset being served, if any, and when it was loaded. Read-only on
 * purpose: swapping versions belongs to the serving lifecycle (live/), never to a request.
 */
export interface CatalogueReader {
  readonly dataset: Dataset | undefined;
  readonly loadedAt: Date | undefined;
  /**
   * Registers a warmer of per-version state (the response cache) to run before a new version
   * serves. Readers that never change version (tests, tools) need not implement it.
   */
  beforeSwap?(warm: VersionWarmer): void;
}

/**
 * Warms per-version state for `next` off the request path, stopping at `deadline` (a
 * performance.now() time); `install` then runs in the same tick as the swap, so no request sees
 * the new version with the old state, or the old version with the new state.
 */
export type VersionWarmer = (next: Dataset, deadline: number) => Promise<WarmedVersion>;

export interface WarmedVersion {
  install(): void;
  /** Queries warmed, and whether the deadline cut warming short. */
  readonly queries: number;
  readonly timedOut: boolean;
}
