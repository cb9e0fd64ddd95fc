/** Posting lists are ascending ranks; since ranks follow catalogue order, any intersection is already sorted. */
export type PostingList = Int32Array;

/** First index in `list` at or after `from` whose value is >= target (exponential then binary search). */
export function gallop(list: PostingList, from: number, target: number): number {
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
  // invariant: list[lo] < target, and list[hi] >= target or hi == n
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Ranks in [lo, hi) present in every list (leapfrog join, smallest list first), that pass `accept`,
 * stopping at `want` results: callers ask for limit + 1 to learn whether another page exists.
 */
export function intersect(
  lists: readonly PostingList[],
  lo: number,
  hi: number,
  want: number,
  accept?: (rank: number) => boolean,
): number[] {
  const out: number[] = [];
  const k = lists.length;
  if (k === 0) {
    for (let rank = lo; rank < hi && out.length < want; rank++) {
      if (!accept || accept(rank)) out.push(rank);
    }
    return out;
  }
  const cursor = new Array<number>(k).fill(0);
  let target = lo;
  for (;;) {
    let agreed = 0;
    let j = 0;
    while (agreed < k) {
      const list = lists[j] as PostingList;
      const p = gallop(list, cursor[j] as number, target);
      cursor[j] = p;
      if (p >= list.length) return out;
      const value = list[p] as number;
      if (value === target) agreed++;
      else {
        target = value;
        agreed = 1;
      }
      if (target >= hi) return out;
      j = j + 1 === k ? 0 : j + 1;
    }
    if (!accept || accept(target)) {
      out.push(target);
      if (out.length >= want) return out;
    }
    target++;
  }
}

/** Compacts postings built as growable arrays into typed arrays, yielding now and then (see CatalogueIndex.buildInSlices). */
export function* freeze(map: Map<string, number[]>): Generator<void, Map<string, PostingList>> {
  const out = new Map<string, PostingList>();
  let copied = 0;
  for (const [key, ranks] of map) {
    out.set(key, Int32Array.from(ranks));
    copied += ranks.length + 16;
    if (copied > 50_000) {
      copied = 0;
      yield;
    }
  }
  return out;
}
