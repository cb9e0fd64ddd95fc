import { placesIn, placesUpTo, type BasePlaces } from './base-places.js';
import { catalogueOrder } from './catalogue-order.js';
import { hasBit } from './bits.js';
import { collect, cursor, type DocSet } from './doc-set.js';
import type { LiveSegment } from './live-segments.js';
import type { RankCheck } from './plan.js';
import type { Found } from './relevance-page.js';
import type { SearchRequest } from './search-request.js';
import type { SegmentIndex } from './segment-index.js';
import { partitionPoint } from './sorted.js';
import { titlePage } from './title-page.js';

/** The last movie a page can show, in catalogue order: a movie of the base's full page (search.ts, pageBound). */
export interface CatalogueBound {
  readonly index: SegmentIndex;
  readonly rank: number;
}

/**
 * One segment's best `limit + 1` movies after the cursor in a catalogue or title order; with `until`, only those
 * that come up to it; without the `refused` ranks (a bit each: the base's superseded movies, live-segments.ts'
 * `deadBits`), which `check` does not refuse. `places`: the segment's places among the base's ranks
 * (base-places.ts), which bound it by integers when `until` is the base's.
 */
export function orderedPage(
  index: SegmentIndex,
  set: DocSet,
  check: RankCheck,
  request: SearchRequest,
  until?: CatalogueBound,
  refused?: Uint32Array,
  places?: BasePlaces,
): Found {
  const want = request.limit + 1;
  const after = request.after;
  const ranks: number[] = [];
  switch (request.sort) {
    case 'year:desc': {
      const end = until ? ranksUpTo(index, until, places) : index.size;
      collectLive(set, after ? index.rankAfter(after.position) : 0, end, want, check, refused, ranks);
      break;
    }
    case 'year:asc': {
      // Years ascending, each year's movies in catalogue order: the year blocks, last to first.
      const { yearValues, yearStarts } = index.data;
      for (let y = yearValues.length - 1; y >= 0 && ranks.length < want; y--) {
        const year = yearValues[y] as number;
        if (after && year < after.position.year) continue;
        const start = after && year === after.position.year ? index.rankAfter(after.position) : (yearStarts[y] as number);
        collectLive(set, start, yearStarts[y + 1] as number, want, check, refused, ranks);
      }
      break;
    }
    default:
      titlePage(index, set, check, request, request.sort === 'title:desc', ranks, refused);
  }
  return { ranks };
}

/**
 * collect (doc-set.ts) less the refused ranks, a bit test per member read: a base with superseded movies among a
 * filter set's matches then pages unchecked, with no call per member to a check of its superseded bits, and no list
 * of them walked beside the set's.
 */
function collectLive(
  set: DocSet,
  lo: number,
  hi: number,
  want: number,
  check: RankCheck,
  refused: Uint32Array | undefined,
  out: number[],
): void {
  if (refused === undefined) return collect(set, lo, hi, want, check, out);
  const c = cursor(set);
  for (let r = c.seek(lo); r < hi && out.length < want; r = c.seek(r + 1)) if (!hasBit(refused, r) && (!check || check(r))) out.push(r);
}

/** Whether a segment's every movie comes after the bound in catalogue order: its first (rank 0) does. */
export function startsAfter(segment: LiveSegment, until: CatalogueBound, places?: BasePlaces): boolean {
  const { index } = segment;
  if (index.size === 0) return true;
  const ranks = placesIn(places, until.index);
  return ranks !== undefined ? until.rank < (ranks[0] as number) : catalogueOrder(index, 0, until.index, until.rank) > 0;
}

/**
 * How many of a segment's ranks come up to the bound in catalogue order (a prefix): off its places when the bound
 * is the base's, else the years before the bound's, and of its year those whose title and id do not pass it.
 */
function ranksUpTo(index: SegmentIndex, until: CatalogueBound, places: BasePlaces | undefined): number {
  const ranks = placesIn(places, until.index);
  if (ranks !== undefined) return placesUpTo(ranks, until.rank);
  const year = until.index.yearOf(until.rank);
  const { yearValues, yearStarts } = index.data;
  // Years descend: the first block not above the bound's year.
  const block = partitionPoint(0, yearValues.length, (y) => (yearValues[y] as number) > year);
  const lo = yearStarts[block] as number;
  if (block === yearValues.length || yearValues[block] !== year) return lo;
  return partitionPoint(lo, yearStarts[block + 1] as number, (r) => catalogueOrder(index, r, until.index, until.rank) <= 0);
}
