import type { InboxLedger } from './inbox-ledger.js';
import type { LedgerEntry, ObjectRef, RunSummary } from './snapshot.js';
import type { SynonymsRef } from './synonyms-file.js';

/**
 * A version of the catalogue, as the store holds it (pointer format 3): the pointer names a
 * manifest, and the manifest names everything else. Every object a manifest names is immutable and
 * named by the sequence that wrote it and its content, so a rerun of a crashed run writes the same
 * objects under the same names, and a later run never reuses a name.
 */
export const MANIFEST_FORMAT = 'cinedex-manifest/1';

/** A segment (the base or a delta) as a manifest names it. */
export interface SegmentRef extends ObjectRef {
  readonly format: number;
  /** The sequence that wrote it. */
  readonly sequence: number;
  readonly movies: number;
  /** Ids it deletes: movies of older segments that it shadows without a movie of its own. */
  readonly deletes: number;
}

export interface LastRun {
  readonly summary: RunSummary;
  /** The inbox objects that run handled, with their rejections. */
  readonly objects: readonly LedgerEntry[];
}

export interface Compaction {
  /** The version that wrote it. */
  readonly sequence: number;
  /** `base`: the base and every delta became a new base; `deltas`: the newest deltas became one. */
  readonly kind: 'base' | 'deltas';
  /** Segments merged into one. */
  readonly segments: number;
  /** Movies and deleted ids the merged segments held. */
  readonly entries: number;
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly sequence: number;
  /** The manifest of the version this one was made from: the chain retention follows. */
  readonly previous: ObjectRef | null;
  /** Live movies. */
  readonly movies: number;
  readonly base: SegmentRef;
  /** Oldest first: a later delta's movies and deletions shadow the same ids in every segment before it. */
  readonly deltas: readonly SegmentRef[];
  /** The key of each state bucket (snapshot/state-bucket.ts), by bucket number; null while empty. */
  readonly state: readonly (string | null)[];
  readonly ledger: InboxLedger;
  readonly lastRun: LastRun | null;
  readonly lastCompaction: Compaction | null;
  /** The operator's synonyms in force (synonyms-file.ts); absent or null: none. */
  readonly synonyms?: SynonymsRef | null;
}

/** Every object a manifest names, itself excluded. */
export function manifestReferences(manifest: Manifest): string[] {
  const keys = [manifest.base.key, ...manifest.deltas.map((d) => d.key)];
  for (const key of manifest.state) if (key !== null) keys.push(key);
  if (manifest.synonyms) keys.push(manifest.synonyms.key);
  return keys;
}
