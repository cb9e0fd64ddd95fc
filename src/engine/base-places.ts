import { FOLD_MAX_MOVIES } from './limits.js';
import { catalogueOrder } from './catalogue-order.js';
import type { SegmentIndex } from './segment-index.js';
import { partitionPoint } from './sorted.js';

/**
 * Where each movie of a small delta falls among its base's movies in catalogue order: `ranks[f]` is how many of the
 * base's ranks come strictly before the delta's rank f. A live base movie never equals a delta's movie in that order
 * (equal year, title and id is one id, which the delta supersedes), so base rank r comes before delta rank f exactly
 * when r < ranks[f]: the page's bound and the merge of a base page with a delta's compare two integers instead of
 * two titles' bytes, on every request whose filters a delta holds.
 */
export interface BasePlaces {
  /** The base the places were found in: a delta's places mean nothing against another base. */
  readonly base: SegmentIndex;
  readonly ranks: Int32Array;
}

/** Per delta, its places in the last base asked for (a compaction makes a new base, and the old one's places go with it). */
const found = new WeakMap<SegmentIndex, BasePlaces>();

/**
 * The delta's places among the base's ranks, found on first use and kept with the delta (it is shared across the
 * versions over one base): a binary search per delta movie, narrowed by the one before since both are in catalogue
 * order (~1,000 × 15 comparisons, 4 KiB for the largest fold). Undefined for a delta of more than FOLD_MAX_MOVIES,
 * whose first request would pay for every one of its movies; it keeps comparing titles.
 */
export function basePlaces(base: SegmentIndex, delta: SegmentIndex, maxMovies = FOLD_MAX_MOVIES): BasePlaces | undefined {
  const known = found.get(delta);
  if (known !== undefined && known.base === base) return known;
  if (delta.size > maxMovies) return undefined;
  const ranks = new Int32Array(delta.size);
  let from = 0;
  for (let f = 0; f < delta.size; f++) {
    from = partitionPoint(from, base.size, (r) => catalogueOrder(base, r, delta, f) < 0);
    ranks[f] = from;
  }
  const places = { base, ranks };
  found.set(delta, places);
  return places;
}

/** The delta's places when they were found in `base` (a page or bound of that segment), else undefined: titles decide. */
export function placesIn(places: BasePlaces | undefined, base: SegmentIndex): Int32Array | undefined {
  return places !== undefined && places.base === base ? places.ranks : undefined;
}

/** How many of the delta's ranks come up to (before, or at) the base's live rank `bound` in catalogue order: a prefix. */
export function placesUpTo(ranks: Int32Array, bound: number): number {
  return partitionPoint(0, ranks.length, (f) => (ranks[f] as number) <= bound);
}

/**
 * The first `want` movies in catalogue order of a base's page (its ranks, in that order, live) and a delta's known
 * matches from `from` on (its ranks, ascending, which is its catalogue order), as version ranks: the delta's
 * offset by its `docBase`. Base rank r comes first exactly when r < the delta movie's `place` (BasePlaces' ranks).
 * A page whose `want`-th base member comes before the delta's next match is the base's own (43 % of the bench's
 * merges): returned as it is, with no array built; a merged page is sized once, since element-wise growth showed in
 * the profile of held requests.
 */
export function mergeByPlaces(
  basePage: number[],
  place: Int32Array,
  matches: Int32Array,
  from: number,
  docBase: number,
  want: number,
): number[] {
  const n = basePage.length;
  // Places ascend with the delta's ranks: past the page's last member at the next match, past it at every one after.
  if (from === matches.length || (n >= want && (basePage[want - 1] as number) < (place[matches[from] as number] as number))) {
    return n <= want ? basePage : basePage.slice(0, want);
  }
  const size = Math.min(want, n + matches.length - from);
  const out = new Array<number>(size);
  let i = 0;
  let j = from;
  for (let k = 0; k < size; k++) {
    if (j < matches.length && (i === n || (place[matches[j] as number] as number) <= (basePage[i] as number)))
      out[k] = docBase + (matches[j++] as number);
    else out[k] = basePage[i++] as number;
  }
  return out;
}
