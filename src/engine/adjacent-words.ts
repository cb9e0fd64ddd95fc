import type { IndexData } from './index-data.js';
import { tableSize } from './string-table.js';

/**
 * Which words sit side by side somewhere: for each word, the distinct words right after it and right
 * before it, in titles and, apart, in cast names. A split word's cut (joins.ts) matches only where
 * a word of its left part is followed by one of its right part, and most cuts of most words match
 * nowhere: finding that out by reading every title (or cast name) holding the rarer part's words was
 * a third of a slow query's time afresh. These lists say it in as many bit tests as the rarer side
 * has distinct neighbours, which is never more than the words those titles hold.
 *
 * Derived from the segment's title and name word lists per version, on its first `q` (WordPlanner),
 * as the deletion entries are: two passes and a sort over every adjacent pair.
 */
export interface AdjacentWords {
  readonly title: Neighbours;
  readonly name: Neighbours;
}

/** Words by word id, ascending in each list (CSR: the lists of id are values[offsets[id], offsets[id + 1])). */
export interface Neighbours {
  readonly nextOffsets: Int32Array;
  readonly next: Int32Array;
  readonly previousOffsets: Int32Array;
  readonly previous: Int32Array;
}

export function adjacentWords(data: IndexData): AdjacentWords {
  const size = tableSize(data.words.words);
  return {
    title: neighbours(data.titleWords.values, data.titleWords.offsets, size),
    name: neighbours(data.words.nameWords.values, data.words.nameWords.offsets, size),
  };
}

/** Each word's distinct followers and predecessors over lists of word ids (titles, names), `offsets` delimiting each. */
export function neighbours(values: ArrayLike<number>, offsets: ArrayLike<number>, size: number): Neighbours {
  // Past it a pair's two ids would share bits and the lists be silently wrong: refused, not guessed at.
  if (size > PAIR) throw new RangeError(`${size} distinct words: neighbour lists hold word ids below ${PAIR}`);
  let count = 0;
  for (let list = 0; list + 1 < offsets.length; list++) count += Math.max(0, (offsets[list + 1] as number) - (offsets[list] as number) - 1);
  // A pair (a, b) as one number a·2^26 + b (exact in a double), so one numeric sort orders and groups them.
  const forward = new Float64Array(count);
  const backward = new Float64Array(count);
  let n = 0;
  for (let list = 0; list + 1 < offsets.length; list++)
    for (let p = offsets[list] as number; p + 1 < (offsets[list + 1] as number); p++) {
      const a = values[p] as number;
      const b = values[p + 1] as number;
      forward[n] = a * PAIR + b;
      backward[n++] = b * PAIR + a;
    }
  const [nextOffsets, next] = grouped(forward.sort(), size);
  const [previousOffsets, previous] = grouped(backward.sort(), size);
  return { nextOffsets, next, previousOffsets, previous };
}

const PAIR = 2 ** 26;

/** Sorted pairs as lists by their first word, repeats dropped. */
function grouped(sorted: Float64Array, size: number): [Int32Array, Int32Array] {
  const offsets = new Int32Array(size + 1);
  const values = new Int32Array(sorted.length);
  let n = 0;
  let last = -1;
  for (let i = 0; i < sorted.length; i++) {
    const pair = sorted[i] as number;
    if (pair === last) continue;
    last = pair;
    const first = Math.floor(pair / PAIR);
    offsets[first + 1] = (offsets[first + 1] as number) + 1;
    values[n++] = pair - first * PAIR;
  }
  for (let id = 0; id < size; id++) offsets[id + 1] = (offsets[id + 1] as number) + (offsets[id] as number);
  return [offsets, values.slice(0, n)];
}

/**
 * Every pair (a, b) of a word whose bit `left` has right before one whose bit `right` has, in the field's lists, until
 * `visit` returns true; whether it did. Read from the side whose words have fewer neighbours, `leftRanges` and
 * `rightRanges` naming the words of each side as ranges [lo, hi) of ids (a single word is [id, id + 1)); a word in two
 * ranges gives its pairs twice.
 */
export function adjacentPairs(
  field: Neighbours,
  left: Uint32Array,
  leftRanges: readonly (readonly [number, number])[],
  right: Uint32Array,
  rightRanges: readonly (readonly [number, number])[],
  visit: (a: number, b: number) => boolean,
): boolean {
  const { nextOffsets, next, previousOffsets, previous } = field;
  let forward = 0;
  for (const [lo, hi] of leftRanges) forward += (nextOffsets[hi] as number) - (nextOffsets[lo] as number);
  let backward = 0;
  for (const [lo, hi] of rightRanges) backward += (previousOffsets[hi] as number) - (previousOffsets[lo] as number);
  const fromLeft = forward <= backward;
  const [ranges, offsets, values, bits] = fromLeft
    ? [leftRanges, nextOffsets, next, right]
    : [rightRanges, previousOffsets, previous, left];
  for (const [lo, hi] of ranges)
    for (let id = lo; id < hi; id++)
      for (let p = offsets[id] as number; p < (offsets[id + 1] as number); p++) {
        const other = values[p] as number;
        if (((bits[other >>> 5] as number) & (1 << (other & 31))) !== 0 && (fromLeft ? visit(id, other) : visit(other, id))) return true;
      }
  return false;
}
