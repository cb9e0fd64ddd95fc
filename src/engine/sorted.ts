/**
 * Searches in sorted arrays, the engine's one way to find a position: ranks in posting lists, word
 * ids in match lists, entries of sorted tables. The typed-array forms are what hot loops call (per
 * title word, per cursor step); `partitionPoint` takes a predicate for orders an array alone does not
 * hold (strings in a table, ids split in two halves).
 */

type Sorted = Int32Array | Uint32Array;

/** The first index in [lo, hi) whose value is at least `value`, or `hi`. */
export function lowerBound(sorted: Sorted, value: number, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index in [lo, hi) whose value is above `value`, or `hi`. */
export function upperBound(sorted: Sorted, value: number, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of `value` in an ascending array without repeats, or -1. */
export function indexOfSorted(sorted: Sorted, value: number): number {
  const at = lowerBound(sorted, value);
  return at < sorted.length && sorted[at] === value ? at : -1;
}

/**
 * The first index in [lo, hi) where `before` turns false, for a `before` that is true over a prefix
 * of the range and false after it; `hi` when it never does.
 */
export function partitionPoint(lo: number, hi: number, before: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The first index at or after `from` whose value is at least `target`: steps of doubling length
 * first, then a binary search of the last step. A cursor moves forward a little at a time, so this
 * costs the logarithm of the distance moved rather than of the list.
 */
export function gallop(list: Int32Array, from: number, target: number): number {
  const n = list.length;
  if (from >= n || (list[from] as number) >= target) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < n && (list[hi] as number) < target) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  // list[lo] < target, and list[hi] >= target or hi >= n.
  return lowerBound(list, target, lo + 1, Math.min(hi, n));
}

/** Drops repeats from an ascending array in place; the distinct values, as a view of its start. */
export function uniqueSorted(sorted: Int32Array): Int32Array {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i] as number;
  return sorted.subarray(0, n);
}
