/**
 * Searches in sorted arrays, the engine's one way to find a position: ranks in posting lists, word
 * ids in match lists, entries of sorted tables. The typed-array forms are what hot loops call (per
 * title word, per cursor step) and read one kind of array each; `findSorted` and `partitionPoint`
 * take a function for orders an array alone does not hold (strings in a table, ids in two halves).
 * The exact searches stop at the first equal entry: a lookup that hits saves a step or two, which
 * shows on queries that take a few microseconds.
 */

type Sorted = Int32Array | Uint32Array;

/** The index of `value` in an ascending array without repeats (or its part [lo, hi)), or -1. */
export function indexOfSorted(sorted: Sorted, value: number, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/** The first index whose value is above `value`, or the length. */
export function upperBound(sorted: Sorted, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index in [lo, hi) whose entry `compare` finds equal to what is sought (0; below it negative, above positive), or -1. */
export function findSorted(lo: number, hi: number, compare: (i: number) => number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(mid);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
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
  if (hi > n) hi = n;
  // list[lo] < target, and list[hi] >= target or hi == n. The step of every list cursor: its own
  // loop, reading only Int32Arrays.
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Drops repeats from an ascending array in place; the distinct values, as a view of its start. */
export function uniqueSorted(sorted: Int32Array): Int32Array {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i] as number;
  return sorted.subarray(0, n);
}
