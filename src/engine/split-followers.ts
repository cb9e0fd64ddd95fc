import type { AdjacentWords } from './adjacent-words.js';
import type { IndexData } from './index-data.js';
import { uniqueSorted } from './sorted.js';
import { codePointsAt } from './string-table.js';
import { wordMatches, type WordMatches } from './word-match.js';

/**
 * A split word's right part matters only where it follows a word its left part matches (joins.ts):
 * when the left part's words have few followers, those are fewer than a trie walk visits, so the
 * right part is matched among them alone. Words no left word is ever followed by are left out,
 * which changes no split's typos: those are read at adjacent words.
 */

/**
 * Followers (counted once per left word, in titles and in cast names apart) a left part's words may have at most for
 * the right part to be matched among them instead of walked. A follower costs one distance table of a part of 3–8
 * letters, about a fifth of a microsecond; a right part's walk with one typo costs 20–40 µs (docs/investigations/q-afresh.md,
 * 2026-12-05). Before the neighbour lists (adjacent-words.ts), followers were found by reading every title and cast
 * name of the left part's words, and were read up to 128 such places.
 */
const FOLLOWERS_MAX = 128;

/** The distinct words right after one of `left`'s words in a title or cast name; undefined when there are too many. */
export function followersOf(adjacency: AdjacentWords, left: WordMatches): Int32Array | undefined {
  if (left.prefixLo.length > 0) return undefined;
  const { title, name } = adjacency;
  let count = 0;
  for (let i = 0; i < left.wholeIds.length; i++) {
    const id = left.wholeIds[i] as number;
    count += (title.nextOffsets[id + 1] as number) - (title.nextOffsets[id] as number);
    count += (name.nextOffsets[id + 1] as number) - (name.nextOffsets[id] as number);
    if (count > FOLLOWERS_MAX) return undefined;
  }
  const found = new Int32Array(count);
  let n = 0;
  for (let i = 0; i < left.wholeIds.length; i++) {
    const id = left.wholeIds[i] as number;
    for (const { nextOffsets, next } of [title, name])
      for (let p = nextOffsets[id] as number; p < (nextOffsets[id + 1] as number); p++) found[n++] = next[p] as number;
  }
  return uniqueSorted(found.sort());
}

/**
 * What matchWord would say of `part` for these words alone: each word within `budget` typos, as a
 * whole word or, with `prefix`, through its closest start (optimal string alignment distance).
 */
export function matchAmong(data: IndexData, ids: ArrayLike<number>, part: readonly number[], budget: number, prefix: boolean): WordMatches {
  const whole: [number, number][] = [];
  const rows = tableRows(part.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    const typos = partTypos(part, codePointsAt(data.words.words, id), budget, prefix, rows);
    if (typos <= budget) whole.push([id, typos]);
  }
  whole.sort((a, b) => a[0] - b[0]);
  return wordMatches(whole, [], [], part);
}

/** Three rows of the distance table for a part of `length` code points, which partTypos reuses from word to word. */
export function tableRows(length: number): [Int32Array, Int32Array, Int32Array] {
  return [new Int32Array(length + 1), new Int32Array(length + 1), new Int32Array(length + 1)];
}

/**
 * Distance of `part` to `word` (with `prefix`, to its closest non-empty start); budget + 1 when beyond the budget.
 * `rows` (tableRows) are overwritten: a right part is read against each of up to a hundred followers.
 */
export function partTypos(
  part: readonly number[],
  word: readonly number[],
  budget: number,
  prefix: boolean,
  rows = tableRows(part.length),
): number {
  const m = part.length;
  if (word.length < m - budget || (!prefix && word.length > m + budget)) return budget + 1;
  // Three rows of the table, reused in turn: the one before the last (for swaps, never read at the first), the last,
  // and the one being filled.
  let [before, row, next] = rows;
  for (let j = 0; j <= m; j++) row[j] = j;
  let rowMin = 0;
  let best = budget + 1;
  for (let i = 1; i <= word.length; i++) {
    // Any later cell is at least the smaller of this row's minimum and, through a swap, the row before's plus one.
    const previousMin = rowMin;
    next[0] = i;
    rowMin = i;
    const c = word[i - 1] as number;
    for (let j = 1; j <= m; j++) {
      const q = part[j - 1] as number;
      let v = Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, (row[j - 1] as number) + (q === c ? 0 : 1));
      if (i > 1 && j > 1 && c === part[j - 2] && word[i - 2] === q) v = Math.min(v, (before[j - 2] as number) + 1);
      next[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (prefix && (next[m] as number) < best) best = next[m] as number;
    const spare = before;
    before = row;
    row = next;
    next = spare;
    if (i < word.length && Math.min(rowMin, previousMin + 1) > budget) return prefix ? best : budget + 1;
  }
  const last = prefix ? best : (row[m] as number);
  return last <= budget ? last : budget + 1;
}
