/**
 * When deltas are merged, and into what. A version is a base segment plus deltas, oldest first; each
 * run adds one delta holding what it changed. Left alone, deltas pile up: every query then reads one
 * more small segment, and every replica holds one more. Two merges keep that bounded:
 *
 * - **Deltas among themselves** (tiered, as tantivy's LogMergePolicy and Lucene's TieredMergePolicy
 *   do): deltas are grouped in tiers by size (a factor MERGE_FACTOR apart, everything under
 *   TIER_FLOOR entries in the first), and when the newest MERGE_FACTOR deltas share a tier they are
 *   merged into one. A delta is then rewritten about once per tier it climbs: with one-record runs,
 *   most runs merge nothing and the rest merge a few small deltas, so the work per record stays a
 *   small multiple of the record's own.
 * - **Into a new base** (compaction) when the deltas together hold more than MAX_DELTA_SHARE of the
 *   base's movies (a deleted or changed base movie is dead weight every query still steps over), or
 *   when there are more than MAX_DELTAS of them (tiers that never fill, such as small deltas left
 *   behind a large one).
 *
 * Entries are a delta's movies plus the ids it deletes. Pure: the ingestion run asks after each
 * publish and carries out the answer as the next version.
 */
export const MERGE_FACTOR = 4;
export const TIER_FLOOR = 1024;
export const MAX_DELTA_SHARE = 0.1;
export const MAX_DELTAS = 12;
/** A base smaller than this counts as this big: a tiny catalogue (a test's) would otherwise compact at every run. */
export const MIN_BASE_FOR_SHARE = 10_000;

export interface SegmentSize {
  /** Movies plus deleted ids. */
  readonly entries: number;
}

export type MergeDecision =
  | { readonly kind: 'none' }
  /** Merge deltas[from, deltas.length) into one delta in their place. */
  | { readonly kind: 'deltas'; readonly from: number }
  /** Merge the base and every delta into a new base. */
  | { readonly kind: 'base' };

export function tierOf(entries: number): number {
  return entries < TIER_FLOOR ? 0 : 1 + Math.floor(Math.log(entries / TIER_FLOOR) / Math.log(MERGE_FACTOR));
}

export function decideMerge(base: SegmentSize, deltas: readonly SegmentSize[]): MergeDecision {
  if (deltas.length === 0) return { kind: 'none' };
  const total = deltas.reduce((n, d) => n + d.entries, 0);
  if (deltas.length > MAX_DELTAS || total > MAX_DELTA_SHARE * Math.max(base.entries, MIN_BASE_FOR_SHARE)) return { kind: 'base' };
  if (deltas.length >= MERGE_FACTOR) {
    const from = deltas.length - MERGE_FACTOR;
    const tier = tierOf((deltas[from] as SegmentSize).entries);
    if (deltas.slice(from).every((d) => tierOf(d.entries) === tier)) return { kind: 'deltas', from };
  }
  return { kind: 'none' };
}

/** A merge policy: what to merge after a version with this base and these deltas (oldest first). */
export type MergePolicy = (base: SegmentSize, deltas: readonly SegmentSize[]) => MergeDecision;

/**
 * `policy` while more batches of the same backlog follow (ingestion.ts): a merge waits for the last
 * batch, unless the deltas are past MAX_DELTAS. A backlog cut into batches would otherwise compact
 * after each of them (a 64 MiB backlog at a million movies: four new bases of ~20 s each, where one
 * at the end does the same work once). The versions in between may hold more than MAX_DELTA_SHARE
 * for the minutes the backlog takes; their number of deltas stays bounded, which is what a query pays.
 */
export function deferredWhileBatchesFollow(policy: MergePolicy): MergePolicy {
  return (base, deltas) => (deltas.length > MAX_DELTAS ? policy(base, deltas) : { kind: 'none' });
}

/**
 * The operator's `cinedex ingest --compact`: every delta into a new base now, whatever the bounds say
 * (before a traffic peak, or to measure a compaction). Nothing to do when there is no delta.
 */
export function compactNow(_base: SegmentSize, deltas: readonly SegmentSize[]): MergeDecision {
  return deltas.length === 0 ? { kind: 'none' } : { kind: 'base' };
}
