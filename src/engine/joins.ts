import { words as wordsOf } from '../catalogue/words.js';
import { and, list, members, type DocSet } from './doc-set.js';
import type { IndexData } from './index-data.js';
import { EQUIVALENT_TYPOS, MIN_SPLIT_LENGTH, SPLIT_PART_TYPO_FROM } from './limits.js';
import { indexOfSorted } from './sorted.js';
import { lookup, stringAt } from './string-table.js';
import { matchExact, matchWord } from './trie-walk.js';
import { typoBudget, typosOf, type WordMatches } from './word-match.js';
import { postingsSets } from './word-postings.js';

/**
 * Words written together or apart. A query word may stand for two adjacent words of a title or of
 * one cast name written together (`ironman`: Iron Man, `xmen`: X-Men), and two adjacent query words
 * for one word (`bat man`: Batman, joined in word-plan.ts). Hyphens and apostrophes split words
 * (catalogue/words.ts), so `spider-man`, `spiderman` and `spider man` all meet Spider-Man.
 *
 * Typos apply to the joined form by its length: the two parts together may have the typos of the
 * word they make, but a part of 1–2 characters must match exactly and one of 3–8 has at most one
 * (`ironmen` finds Iron Man; `xmen` X-Men, exactly). Reading a word as two counts EQUIVALENT_TYPOS more in rule 1; so does each of two
 * words read as one, which may have the typos of the joined form but fewer than the shorter word
 * has characters: a join never drops a whole word.
 */

/** A part matching more words than this is not unioned to narrow the candidates: the other part's movies are checked instead. */
const BROAD_PART_WORDS = 16;

/** One way to cut a query word in two: what the part before the cut and the part after match. */
export interface Cut {
  readonly left: WordMatches;
  readonly right: WordMatches;
}

/** A query word read as two adjacent words. */
export interface SplitMatch {
  readonly cuts: readonly Cut[];
  /** Typos both parts may have together: the whole word's budget. */
  readonly budget: number;
  /** The fewest typos of any movie's split match, EQUIVALENT_TYPOS included. */
  readonly fewestTypos: number;
  /** Movies where the parts are adjacent words of one cast name, ascending, and the typos of the best such match. */
  readonly castRanks: Int32Array;
  readonly castTypos: Uint8Array;
}

/** Typos a part of `length` characters may have when the whole word may have `budget`. */
function partBudget(length: number, budget: number): number {
  return length < SPLIT_PART_TYPO_FROM ? 0 : Math.min(budget, Math.max(1, typoBudget(length)));
}

/** Typos of the split at adjacent words (a, b), EQUIVALENT_TYPOS included; -1 when it does not match there. */
export function splitTypos(split: SplitMatch, a: number, b: number): number {
  let best = -1;
  for (const { left, right } of split.cuts) {
    const l = typosOf(left, a);
    if (l < 0) continue;
    const r = typosOf(right, b);
    if (r < 0 || l + r > split.budget) continue;
    const t = l + r + EQUIVALENT_TYPOS;
    if (best < 0 || t < best) best = t;
  }
  return best;
}

/** Typos of the split's best match in one of the movie's cast names, or -1. */
export function castSplitTypos(split: SplitMatch, rank: number): number {
  const at = indexOfSorted(split.castRanks, rank);
  return at < 0 ? -1 : (split.castTypos[at] as number);
}

/**
 * A query word read as two adjacent words: every cut whose parts match some words, and the movies
 * where they sit side by side; undefined when no movie has them so.
 */
export function planSplit(
  data: IndexData,
  points: readonly number[],
  last: boolean,
  reach: Int32Array,
): { split: SplitMatch; title: DocSet; cast: DocSet } | undefined {
  if (points.length < MIN_SPLIT_LENGTH) return undefined;
  const budget = typoBudget(points.length);
  const trie = data.words.trie;
  const cuts: Cut[] = [];
  const titleSets: DocSet[] = [];
  const castSets: DocSet[] = [];
  for (let k = 1; k < points.length; k++) {
    const a = points.slice(0, k);
    const b = points.slice(k);
    const aBudget = partBudget(a.length, budget);
    const bBudget = partBudget(b.length, budget);
    // The part without typos first: a lookup, and most cuts end there.
    const bFirst = bBudget < aBudget;
    const match = (part: readonly number[], partBudget: number, prefix: boolean) =>
      partBudget === 0 ? matchExact(trie, part, prefix) : matchWord(trie, part, partBudget, prefix, reach);
    const first = bFirst ? match(b, bBudget, last) : match(a, aBudget, false);
    if (first.fewestTypos === Infinity) continue;
    const second = bFirst ? match(a, aBudget, false) : match(b, bBudget, last);
    if (first.fewestTypos + second.fewestTypos > budget) continue;
    const cut = bFirst ? { left: second, right: first } : { left: first, right: second };
    cuts.push(cut);
    // Movies with both parts, or with the narrower when the other has typos and matches many words.
    const f = postingsSets(data, first);
    const broad = second.wholeIds.length + second.prefixLo.length > BROAD_PART_WORDS;
    const s = broad ? undefined : postingsSets(data, second);
    titleSets.push(s ? and([f.title, s.title]) : f.title);
    castSets.push(s ? and([f.cast, s.cast]) : f.cast);
  }
  if (cuts.length === 0) return undefined;
  const probe: SplitMatch = { cuts, budget, fewestTypos: 0, castRanks: new Int32Array(0), castTypos: new Uint8Array(0) };

  // Both parts in a movie's title or cast says little: they must be adjacent, in that order.
  let fewest = Infinity;
  const inTitle = new Set<number>();
  const { titleWords } = data;
  for (const set of titleSets) {
    for (const rank of members(set)) {
      if (inTitle.has(rank)) continue;
      const end = titleWords.offsets[rank + 1] as number;
      for (let p = titleWords.offsets[rank] as number; p + 1 < end; p++) {
        const t = splitTypos(probe, titleWords.values[p] as number, titleWords.values[p + 1] as number);
        if (t < 0) continue;
        inTitle.add(rank);
        fewest = Math.min(fewest, t);
      }
    }
  }
  const inCast = new Map<number, number>();
  for (const set of castSets) {
    for (const rank of members(set)) {
      if (inCast.has(rank)) continue;
      const t = castNamesSplit(data, probe, rank);
      if (t < 0) continue;
      inCast.set(rank, t);
      fewest = Math.min(fewest, t);
    }
  }
  if (fewest === Infinity) return undefined;
  const castRanks = Int32Array.from(inCast.keys()).sort();
  const split: SplitMatch = {
    cuts,
    budget,
    fewestTypos: fewest,
    castRanks,
    castTypos: Uint8Array.from(castRanks, (rank) => inCast.get(rank) as number),
  };
  return { split, title: list(Int32Array.from(inTitle).sort()), cast: list(castRanks) };
}

/** The fewest typos of the split over adjacent words of the movie's cast names, or -1. */
function castNamesSplit(data: IndexData, split: SplitMatch, rank: number): number {
  const { movieCast } = data;
  let best = -1;
  for (let i = movieCast.offsets[rank] as number; i < (movieCast.offsets[rank + 1] as number); i++) {
    const ids = wordsOf(stringAt(data.cast.terms, movieCast.values[i] as number)).map((w) => lookup(data.words.words, w));
    for (let p = 0; p + 1 < ids.length; p++) {
      const a = ids[p] as number;
      const b = ids[p + 1] as number;
      if (a < 0 || b < 0) continue;
      const t = splitTypos(split, a, b);
      if (t >= 0 && (best < 0 || t < best)) best = t;
    }
  }
  return best;
}
