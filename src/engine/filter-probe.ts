import type { Postings } from './index-data.js';
import type { TermIds } from './plan.js';
import type { MovieQuery } from './search-request.js';
import type { SegmentIndex } from './segment-index.js';
import { indexOfSorted } from './sorted.js';

/**
 * Whether some movie of a delta may pass the query's filters (year span, cast, genres, title
 * n-grams), its words aside: false only when none does. The version's masks (segment-mask.ts) say a
 * delta holds each term; about half the requests they let through still find nothing there, since
 * no one movie holds them all, and planning such a delta (plan, checks, cursors, an empty page) is
 * what a request over base plus deltas pays beyond the base. This reads the term ids the masks
 * found and walks the shortest posting list against the others in place: no set, cursor or view.
 */
export function filtersMayMatch(index: SegmentIndex, query: MovieQuery, ids: TermIds): boolean {
  let lo = 0;
  let hi = index.size;
  if (query.year !== undefined || query.yearFrom !== undefined || query.yearTo !== undefined) {
    [lo, hi] = index.yearSpan(
      Math.max(query.year ?? -Infinity, query.yearFrom ?? -Infinity),
      Math.min(query.year ?? Infinity, query.yearTo ?? Infinity),
    );
  }
  if (lo >= hi) return false;
  const { cast, genres, grams } = index.data;
  const lists: Span[] = [];
  for (const id of ids.cast) lists.push(span(cast.postings, id));
  for (const id of ids.genres) lists.push(span(genres.postings, id));
  for (const id of ids.grams) lists.push(span(grams.postings, id));
  if (lists.length === 0) return true;
  let shortest = lists[0] as Span;
  for (const list of lists) if (list.to - list.from < shortest.to - shortest.from) shortest = list;
  const { values } = shortest.postings;
  for (let i = shortest.from; i < shortest.to; i++) {
    const rank = values[i] as number;
    if (rank < lo) continue;
    if (rank >= hi) return false;
    if (lists.every((list) => list === shortest || holds(list, rank))) return true;
  }
  return false;
}

/** A term's posting list as where it lies in its table's values (an id of -1 is an empty one). */
interface Span {
  readonly postings: Postings;
  readonly from: number;
  readonly to: number;
}

function span(postings: Postings, id: number): Span {
  if (id < 0) return { postings, from: 0, to: 0 };
  return { postings, from: postings.offsets[id] as number, to: postings.offsets[id + 1] as number };
}

/** Whether the ascending list holds `rank`: a binary search of its span. */
function holds(list: Span, rank: number): boolean {
  return indexOfSorted(list.postings.values, rank, list.from, list.to) >= 0;
}
