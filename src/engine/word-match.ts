import { TYPO_FROM_LENGTH } from './limits.js';
import { indexOfSorted, upperBound } from './sorted.js';

/** Typos a query word of `length` code points may have (limits.ts, TYPO_FROM_LENGTH). */
export function typoBudget(length: number): number {
  let budget = 0;
  for (const from of TYPO_FROM_LENGTH) if (length >= from) budget++;
  return budget;
}

/**
 * The dictionary words one query word matches, and with how many typos. Word ids are positions in
 * the sorted dictionary, so the words under a trie node, all matched by a prefix, are one range.
 */
export interface WordMatches {
  /** Words matched as a whole word, ascending, and their typos. */
  readonly wholeIds: Int32Array;
  readonly wholeTypos: Uint8Array;
  /** Disjoint ranges [lo, hi) of words matched as a prefix (the last query word only), ascending, and their typos. */
  readonly prefixLo: Int32Array;
  readonly prefixHi: Int32Array;
  readonly prefixTypos: Uint8Array;
  /**
   * The outermost trie nodes matched as a prefix: together with the whole matches outside them they
   * name every word matched, for reading postings (nested nodes add no movies).
   */
  readonly prefixNodes: readonly number[];
  /** The fewest typos of any match; Infinity when nothing matches. */
  readonly fewestTypos: number;
  /** The smallest and one past the largest word id matched: most words of a movie fall outside, decided in two comparisons. */
  readonly lowestId: number;
  readonly beyondId: number;
  /** The same bounds for the matches with the fewest typos (with none, all words starting with the query: one range). */
  readonly bestLo: number;
  readonly bestHi: number;
  /** The query word's code points, as typed (folded). */
  readonly typed: readonly number[];
}

/** The typos with which word `id` matches, or -1; `whole` tells whether it matched as a whole word. */
export function typosOf(m: WordMatches, id: number): number {
  if (id < m.lowestId || id >= m.beyondId) return -1;
  const w = indexOfSorted(m.wholeIds, id);
  const whole = w >= 0 ? (m.wholeTypos[w] as number) : Infinity;
  const p = findRange(m, id);
  const byPrefix = p >= 0 ? (m.prefixTypos[p] as number) : Infinity;
  const best = Math.min(whole, byPrefix);
  return best === Infinity ? -1 : best;
}

export function matchesWhole(m: WordMatches, id: number): boolean {
  if (id < m.lowestId || id >= m.beyondId) return false;
  return indexOfSorted(m.wholeIds, id) >= 0;
}

/** The prefix range holding `id`, or -1. */
function findRange(m: WordMatches, id: number): number {
  const at = upperBound(m.prefixLo, id) - 1;
  return at >= 0 && id < (m.prefixHi[at] as number) ? at : -1;
}

/**
 * Edits (insertion, deletion, substitution, swap of neighbours) from `query` to each prefix of
 * `word`: row[j] is the distance to its first j characters, so row[word.length] is the whole word's
 * and the row's least is the closest start's. For checks outside the dictionary's trie (highlights,
 * facet values), which walks the same rule (trie-walk.ts).
 */
export function editRow(query: readonly number[], word: readonly number[]): number[] {
  // Columns: prefixes of the word; rows: the query. Only the last row is needed, with two rows back for swaps.
  let before = Array.from({ length: word.length + 1 }, (_, j) => j);
  let previous = before;
  for (let i = 1; i <= query.length; i++) {
    const row = [i];
    for (let j = 1; j <= word.length; j++) {
      let v = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (query[i - 1] === word[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && query[i - 1] === word[j - 2] && query[i - 2] === word[j - 1]) v = Math.min(v, (before[j - 2] as number) + 1);
      row.push(v);
    }
    before = previous;
    previous = row;
  }
  return previous;
}
