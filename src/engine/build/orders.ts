import type { StringTable } from '../index-data.js';
import { compareCodePoints, compareEntries, tableSize } from '../string-table.js';

/**
 * Orders of ranks and terms that queries read instead of sorting: ranks are already in catalogue
 * order (year descending, title, id), so a year is a run of ranks, and the other orders are kept
 * as permutations of ranks or term ids.
 */

/** Distinct years, descending, and the rank where each starts. */
export function yearRanges(years: Uint16Array): { yearValues: Uint16Array; yearStarts: Uint32Array } {
  const values: number[] = [];
  const starts: number[] = [];
  for (let rank = 0; rank < years.length; rank++) {
    if (rank === 0 || years[rank] !== years[rank - 1]) {
      values.push(years[rank] as number);
      starts.push(rank);
    }
  }
  starts.push(years.length);
  return { yearValues: Uint16Array.from(values), yearStarts: Uint32Array.from(starts) };
}

/**
 * Ranks by (normalised title, rank), the groups of equal titles in that order, and each rank's group.
 * Titles are compared as the table holds them, by UTF-8 bytes: the order the query side's binary
 * searches over title groups assume (search.ts), and code point order.
 */
export function titleSort(normalised: StringTable): {
  titleOrder: Uint32Array;
  titleGroupStarts: Uint32Array;
  titleGroup: Uint32Array;
} {
  const size = tableSize(normalised);
  const titleOrder = Uint32Array.from({ length: size }, (_, i) => i);
  titleOrder.sort((a, b) => compareEntries(normalised, a, b) || a - b);
  const starts: number[] = [];
  const titleGroup = new Uint32Array(size);
  for (let at = 0; at < titleOrder.length; at++) {
    const rank = titleOrder[at] as number;
    if (at === 0 || compareEntries(normalised, rank, titleOrder[at - 1] as number) !== 0) starts.push(at);
    titleGroup[rank] = starts.length - 1;
  }
  starts.push(titleOrder.length);
  return { titleOrder, titleGroupStarts: Uint32Array.from(starts), titleGroup };
}

/** Ranks by id, for id → rank by binary search. */
export function idOrder(high: Uint32Array, low: Uint32Array): Uint32Array {
  const order = Uint32Array.from({ length: high.length }, (_, i) => i);
  return order.sort((a, b) => (high[a] as number) - (high[b] as number) || (low[a] as number) - (low[b] as number));
}

/** Term ids by count (descending), then name; at most `limit`. */
export function topByCount(offsets: Uint32Array, names: readonly string[], limit: number): Uint32Array {
  const count = (id: number) => (offsets[id + 1] as number) - (offsets[id] as number);
  const ids = Array.from({ length: names.length }, (_, i) => i);
  ids.sort((a, b) => count(b) - count(a) || compareCodePoints(names[a] as string, names[b] as string));
  return Uint32Array.from(ids.slice(0, limit));
}
