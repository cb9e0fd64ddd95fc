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

/** A range of words matched as a prefix, with its typos. */
export interface TypoRange {
  readonly lo: number;
  readonly hi: number;
  readonly typos: number;
}

const NO_IDS = new Int32Array(0);
const NO_TYPOS = new Uint8Array(0);

/**
 * The matches of a query word from its whole matches ([id, typos], ascending by id) and its
 * disjoint prefix ranges (ascending); the bounds the ranking reads are derived here, once.
 */
export function wordMatches(
  whole: readonly (readonly [number, number])[],
  flat: readonly TypoRange[],
  prefixNodes: readonly number[],
  typed: readonly number[],
): WordMatches {
  // Plain loops into typed arrays: a word's plan builds several of these (its parts, its joins), afresh for every new word.
  // Most parts of a split and most joins match no word, or no prefix: they share the empty arrays, which nothing can write to.
  const wholeIds = whole.length === 0 ? NO_IDS : new Int32Array(whole.length);
  const wholeTypos = whole.length === 0 ? NO_TYPOS : new Uint8Array(whole.length);
  let fewest = Infinity;
  for (let i = 0; i < whole.length; i++) {
    const [id, t] = whole[i] as readonly [number, number];
    wholeIds[i] = id;
    wholeTypos[i] = t;
    if (t < fewest) fewest = t;
  }
  const prefixLo = flat.length === 0 ? NO_IDS : new Int32Array(flat.length);
  const prefixHi = flat.length === 0 ? NO_IDS : new Int32Array(flat.length);
  const prefixTypos = flat.length === 0 ? NO_TYPOS : new Uint8Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const r = flat[i] as TypoRange;
    prefixLo[i] = r.lo;
    prefixHi[i] = r.hi;
    prefixTypos[i] = r.typos;
    if (r.typos < fewest) fewest = r.typos;
  }
  let bestLo = Infinity;
  let bestHi = -Infinity;
  for (let i = 0; i < whole.length; i++) {
    if (wholeTypos[i] !== fewest) continue;
    const id = wholeIds[i] as number;
    bestLo = Math.min(bestLo, id);
    bestHi = Math.max(bestHi, id + 1);
  }
  for (const r of flat) {
    if (r.typos === fewest) {
      bestLo = Math.min(bestLo, r.lo);
      bestHi = Math.max(bestHi, r.hi);
    }
  }
  const firstWhole = whole.length > 0 ? (wholeIds[0] as number) : Infinity;
  const lastWhole = whole.length > 0 ? (wholeIds[whole.length - 1] as number) : -Infinity;
  return {
    wholeIds,
    wholeTypos,
    prefixLo,
    prefixHi,
    prefixTypos,
    prefixNodes,
    fewestTypos: fewest,
    lowestId: Math.min(firstWhole, flat[0]?.lo ?? Infinity),
    beyondId: Math.max(lastWhole + 1, flat[flat.length - 1]?.hi ?? -Infinity),
    bestLo,
    bestHi,
    typed,
  };
}

/**
 * The matches of `base` and of `more`, each word with its fewest typos, `more`'s counted `extra`
 * higher: another way of reading the same query word (a number's other spelling, the word joined
 * with its neighbour) that ranks after the word as typed.
 */
export function mergeMatches(base: WordMatches, more: WordMatches, extra: number): WordMatches {
  const whole = new Map<number, number>();
  base.wholeIds.forEach((id, i) => whole.set(id, base.wholeTypos[i] as number));
  more.wholeIds.forEach((id, i) => {
    const t = (more.wholeTypos[i] as number) + extra;
    if (t < (whole.get(id) ?? Infinity)) whole.set(id, t);
  });
  const ranges: TypoRange[] = [];
  base.prefixLo.forEach((lo, i) => ranges.push({ lo, hi: base.prefixHi[i] as number, typos: base.prefixTypos[i] as number }));
  more.prefixLo.forEach((lo, i) => ranges.push({ lo, hi: more.prefixHi[i] as number, typos: (more.prefixTypos[i] as number) + extra }));
  return wordMatches(
    [...whole].sort((a, b) => a[0] - b[0]),
    fewestOver(ranges),
    [...base.prefixNodes, ...more.prefixNodes],
    base.typed,
  );
}

/** Ranges that may overlap as disjoint ranges, each word with the fewest typos of the ranges holding it. */
function fewestOver(ranges: readonly TypoRange[]): TypoRange[] {
  const cuts = [...new Set(ranges.flatMap((r) => [r.lo, r.hi]))].sort((a, b) => a - b);
  const out: TypoRange[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const lo = cuts[i] as number;
    const hi = cuts[i + 1] as number;
    let typos = Infinity;
    for (const r of ranges) if (r.lo <= lo && r.hi >= hi) typos = Math.min(typos, r.typos);
    if (typos === Infinity) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.hi === lo && last.typos === typos) out[out.length - 1] = { lo: last.lo, hi, typos };
    else out.push({ lo, hi, typos });
  }
  return out;
}

/** Words matched whole with the given typos, no prefixes: the ids need not be sorted. */
export function wholeMatches(ids: readonly number[], typos: number, typed: readonly number[]): WordMatches {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  return wordMatches(
    sorted.map((id) => [id, typos] as const),
    [],
    [],
    typed,
  );
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
