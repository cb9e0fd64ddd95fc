import { postingsOf, type IndexData } from './index-data.js';
import { codePointsAt } from './string-table.js';
import { wordMatches, type WordMatches } from './word-match.js';

/**
 * A split word's right part matters only where it follows a word its left part matches (joins.ts):
 * when the left part's words sit in few titles and cast names, the words after them there are
 * fewer than a trie walk visits, so the right part is matched among them alone. Words no left word
 * is ever followed by are left out, which changes no split's typos: those are read at adjacent words.
 */

/**
 * Places (titles and cast names) a left part's words may sit in at most for its followers to be read instead of a walk.
 * Measured on the slowest 5 % of `q` afresh (docs/performance.md, 2026-12-05): a follower read costs about a fifth of a
 * microsecond a place, a right part's walk with one typo 20–40 µs, even at 64–128 places.
 */
const FOLLOWERS_MAX_PLACES = 128;

/** The distinct words right after one of `left`'s words in a title or cast name; undefined when they sit in too many places. */
export function followersOf(data: IndexData, left: WordMatches): number[] | undefined {
  const { words, titleWords } = data;
  if (left.prefixLo.length > 0) return undefined;
  let places = 0;
  for (let i = 0; i < left.wholeIds.length; i++) {
    const id = left.wholeIds[i] as number;
    places += postingsOf(words.title, id).length + postingsOf(words.castNames, id).length;
    if (places > FOLLOWERS_MAX_PLACES) return undefined;
  }
  const found = new Set<number>();
  const after = (id: number, ids: Int32Array | Uint32Array, start: number, end: number) => {
    for (let p = start; p + 1 < end; p++) if (ids[p] === id) found.add(ids[p + 1] as number);
  };
  for (let i = 0; i < left.wholeIds.length; i++) {
    const id = left.wholeIds[i] as number;
    for (const rank of postingsOf(words.title, id))
      after(id, titleWords.values, titleWords.offsets[rank] as number, titleWords.offsets[rank + 1] as number);
    for (const name of postingsOf(words.castNames, id))
      after(id, words.nameWords.values, words.nameWords.offsets[name] as number, words.nameWords.offsets[name + 1] as number);
  }
  return [...found];
}

/**
 * What matchWord would say of `part` for these words alone: each word within `budget` typos, as a
 * whole word or, with `prefix`, through its closest start (optimal string alignment distance).
 */
export function matchAmong(data: IndexData, ids: readonly number[], part: readonly number[], budget: number, prefix: boolean): WordMatches {
  const whole: [number, number][] = [];
  for (const id of ids) {
    const typos = partTypos(part, codePointsAt(data.words.words, id), budget, prefix);
    if (typos <= budget) whole.push([id, typos]);
  }
  whole.sort((a, b) => a[0] - b[0]);
  return wordMatches(whole, [], [], part);
}

/** Distance of `part` to `word` (with `prefix`, to its closest non-empty start); budget + 1 when beyond the budget. */
export function partTypos(part: readonly number[], word: readonly number[], budget: number, prefix: boolean): number {
  const m = part.length;
  if (word.length < m - budget || (!prefix && word.length > m + budget)) return budget + 1;
  // Three rows of the table, reused in turn: the one before the last (for swaps), the last, and the one being filled.
  let before = new Int32Array(m + 1);
  let row = Int32Array.from({ length: m + 1 }, (_, j) => j);
  let next = new Int32Array(m + 1);
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
