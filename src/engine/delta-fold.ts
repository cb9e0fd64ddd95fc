import { buildIndex } from './build/build-index.js';
import { liveMovies } from './build/live-movies.js';
import { FOLD_MAX_MOVIES } from './limits.js';
import type { SegmentEntry } from './live-segments.js';
import { SegmentIndex } from './segment-index.js';

/**
 * A version's deltas built into one segment (the "delta union"), so that a request plans the base and
 * one delta whatever the number of deltas published: their live movies, and every id they delete that
 * no later one of them holds again (live-movies.ts, the merge policy's delta merge without the store).
 * A version read as base + fold answers as the same version read delta by delta, byte for byte, and a
 * cursor of either walks the other: both answer as one segment of the live movies, and cursors hold a
 * movie's place in the order, not its rank.
 */
export interface DeltaFold {
  /** The base the fold was made over: a new base (a compaction) starts a new fold. */
  readonly base: SegmentIndex;
  /** The deltas folded, oldest first: a next version listing them first folds only the rest onto this. */
  readonly deltas: readonly SegmentIndex[];
  /** The fold, as the version lists it after the base. */
  readonly entry: SegmentEntry;
}

/**
 * The fold of `entries` (base first, deltas oldest first), made from `previous` (the fold of the
 * version before) and the deltas published since when `previous` covers this version's first deltas,
 * else from all of them; the cost follows the deltas' movies, never the base's. Undefined when there
 * is nothing to fold (fewer than two deltas) or the deltas hold more than `maxMovies` movies, which
 * stay read one by one.
 */
export function foldDeltas(entries: readonly SegmentEntry[], previous?: DeltaFold, maxMovies = FOLD_MAX_MOVIES): DeltaFold | undefined {
  const [base, ...deltas] = entries;
  if (base === undefined || deltas.length < 2) return undefined;
  const indexes = deltas.map((d) => d.index);
  if (indexes.reduce((n, index) => n + index.size, 0) > maxMovies) return undefined;
  const from = previous !== undefined && foldsOnto(previous, base.index, indexes) ? previous : undefined;
  if (from !== undefined && from.deltas.length === indexes.length) return from;
  const inputs = from === undefined ? deltas : [from.entry, ...deltas.slice(from.deltas.length)];
  const { movies, deletes } = liveMovies(inputs);
  const index = new SegmentIndex(buildIndex(`${indexes[indexes.length - 1]?.version ?? ''}+fold`, movies));
  return { base: base.index, deltas: indexes, entry: { index, deletes } };
}

/** Whether `fold` was made over `base` and the first of `deltas`, the same segments (a loader shares them across versions). */
function foldsOnto(fold: DeltaFold, base: SegmentIndex, deltas: readonly SegmentIndex[]): boolean {
  return fold.base === base && fold.deltas.length <= deltas.length && fold.deltas.every((d, i) => d === deltas[i]);
}

/** The segments a version is read through: the base and the fold when there is one, else the entries as they are. */
export function foldedEntries(entries: readonly SegmentEntry[], fold: DeltaFold | undefined): readonly SegmentEntry[] {
  const base = entries[0];
  return fold === undefined || base === undefined ? entries : [base, fold.entry];
}
