import { bitmap, hasBit, setBit } from './bits.js';
import { postingsLength, postingsOf, type IndexData } from './index-data.js';
import { BEST_POSTINGS_SHARE } from './limits.js';
import { synonymCost } from './synonym-plan.js';
import type { WordMatches } from './word-match.js';
import type { QueryWord } from './word-plan.js';

/**
 * The movies where some reading of a query word (a word matched, a split, a synonym) has the word's
 * fewest typos, one bit per rank, for the words whose readings do not all have the same typos (for
 * those, every movie matching the word has them). A movie outside a word's set has at least one typo
 * more there, so the ranking's lower bound can count it: a broad typed prefix (`walle`, `three`)
 * matches thousands of titles and cast names, most of them with one typo more than the few the page
 * shows, and the title signature alone cannot tell those apart when a typo may change the first letter.
 * A word whose fewest typos hold nearly all its postings is left out too: its set would cost a bit per
 * posting and tell few movies apart (`e.t.`: every `t…` word as typed, and `et…` joined, one typo more).
 */
export function bestReadings(data: IndexData, words: readonly QueryWord[]): BestReadings {
  const sets: Uint32Array[] = [];
  const of: number[] = [];
  words.forEach((word, i) => {
    const synonyms = (word.synonyms ?? []).map((m) => ({ m, cost: synonymCost(m, i) as number }));
    const { matches, split } = word;
    let best = Math.min(matches.fewestTypos, split?.fewestTypos ?? Infinity);
    for (const { cost } of synonyms) best = Math.min(best, cost);
    const uniform =
      allAt(matches.wholeTypos, best) &&
      allAt(matches.prefixTypos, best) &&
      (split === undefined || (allAt(split.titleTypos, best) && allAt(split.castTypos, best))) &&
      synonyms.every(({ cost }) => cost === best);
    if (uniform) return;
    const atBest = postingsAt(data, matches, best);
    if (atBest > BEST_POSTINGS_SHARE * (postingsAt(data, matches) - atBest)) return;
    const bits = bitmap(data.size);
    addWords(data, matches, best, bits);
    if (split !== undefined) {
      addRanks(split.titleRanks, split.titleTypos, best, bits);
      addRanks(split.castRanks, split.castTypos, best, bits);
    }
    for (const { m, cost } of synonyms) {
      if (cost !== best) continue;
      for (const rank of m.title) setBit(bits, rank);
      for (const rank of m.cast) setBit(bits, rank);
    }
    sets.push(bits);
    of.push(i);
  });
  return { sets, words: of };
}

/** The sets built, and the query word (its position in `q`) each one is of. */
export interface BestReadings {
  readonly sets: readonly Uint32Array[];
  readonly words: readonly number[];
}

/** How many words' sets (bestReadings) leave the movie out: typos it has beyond the fewest any movie can. */
export function bestMissed(sets: readonly Uint32Array[], rank: number): number {
  let missed = 0;
  for (let i = 0; i < sets.length; i++) if (!hasBit(sets[i] as Uint32Array, rank)) missed++;
  return missed;
}

/** How many postings (title and cast) the words `m` matches with `typos` have, or all its words without. */
function postingsAt(data: IndexData, m: WordMatches, typos?: number): number {
  const { title, cast } = data.words;
  const at = (t: number | undefined) => typos === undefined || t === typos;
  let n = 0;
  for (let i = 0; i < m.wholeIds.length; i++) {
    const id = m.wholeIds[i] as number;
    if (at(m.wholeTypos[i])) n += postingsLength(title, id) + postingsLength(cast, id);
  }
  for (let i = 0; i < m.prefixLo.length; i++) {
    if (!at(m.prefixTypos[i])) continue;
    const lo = m.prefixLo[i] as number;
    const hi = m.prefixHi[i] as number;
    n += (title.offsets[hi] as number) - (title.offsets[lo] as number) + (cast.offsets[hi] as number) - (cast.offsets[lo] as number);
  }
  return n;
}

function allAt(typos: Uint8Array, level: number): boolean {
  for (let i = 0; i < typos.length; i++) if (typos[i] !== level) return false;
  return true;
}

/** The movies with a word `m` matches with `typos`, in the title or a cast name. */
function addWords(data: IndexData, m: WordMatches, typos: number, bits: Uint32Array): void {
  const { title, cast } = data.words;
  const add = (id: number) => {
    for (const rank of postingsOf(title, id)) setBit(bits, rank);
    for (const rank of postingsOf(cast, id)) setBit(bits, rank);
  };
  for (let i = 0; i < m.wholeIds.length; i++) if (m.wholeTypos[i] === typos) add(m.wholeIds[i] as number);
  for (let i = 0; i < m.prefixLo.length; i++) {
    if (m.prefixTypos[i] !== typos) continue;
    for (let id = m.prefixLo[i] as number; id < (m.prefixHi[i] as number); id++) add(id);
  }
}

function addRanks(ranks: Int32Array, typos: Uint8Array, best: number, bits: Uint32Array): void {
  for (let i = 0; i < ranks.length; i++) if (typos[i] === best) setBit(bits, ranks[i] as number);
}
