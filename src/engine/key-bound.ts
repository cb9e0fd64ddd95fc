import { bestMissed } from './best-readings.js';
import { hasBit, popcount } from './bits.js';
import type { IndexData } from './index-data.js';
import { matchesPairSignature, titlePairSignatures } from './pair-signature.js';
import { packKey } from './relevance-key.js';
import { firstCodePointAt } from './string-table.js';
import { synonymCost } from './synonym-plan.js';
import type { WordMatches } from './word-match.js';
import type { QueryWord } from './word-plan.js';

/**
 * A lower bound of a movie's relevance key (relevance.ts), from what costs a load or two per movie: its title's
 * signatures against the words the query can match, and which words it surely lacks at their fewest typos. A page
 * passes by a movie whose bound cannot beat its worst kept key without working out the key.
 */
export class KeyBound {
  /** Per query word: the first code point bits of every word it can match (see IndexData.titleSignature). */
  private readonly signature: number;
  /** The same by a word's first two letters (pair-signature.ts), and each title's. */
  private readonly pairSignature: number;
  private readonly titlePairs: Uint32Array;
  /** The fewest typos any movie can have: the sum over the query words of their fewest. */
  readonly fewestTypos: number;
  /**
   * Per query word, the movies that can have it with its fewest typos (best-readings.ts): given once enough movies
   * have been keyed to pay for them (Relevance.key), and only when every word must match (a word missing is counted
   * by rule 0, not by its typos).
   */
  private best: readonly Uint32Array[] = [];
  /** The query word each of `best` is of; per query word, its fewest typos (Infinity: nothing matches it, it is always missing). */
  private bestOf: readonly number[] = [];
  private readonly wordFewest: readonly number[];
  /** With partial matches: how many words that some movie matches a movie may miss, and partialTypos's scratch. */
  private readonly droppable: number;
  private readonly partialBounds: Float64Array;

  constructor(
    private readonly data: IndexData,
    words: readonly QueryWord[],
    /** Every WordMatches a title word may be read through (Relevance's readings). */
    readings: readonly WordMatches[],
    /** Words of `q` a movie may miss and still match (rule 0, match-strategy.ts). */
    private readonly missingAllowed: number,
  ) {
    const firstCodePoint = (id: number) => firstCodePointAt(data.words.words, id);
    let signature = 0;
    let fewest = 0;
    this.wordFewest = words.map((w, i) => {
      const bySynonym = Math.min(...(w.synonyms ?? []).map((m) => synonymCost(m, i) ?? Infinity));
      const best = Math.min(w.matches.fewestTypos, w.split?.fewestTypos ?? Infinity, bySynonym);
      // A word nothing matches can only be missing: it adds no typos to any key.
      if (best !== Infinity) fewest += best;
      return best;
    });
    for (const m of readings) {
      for (let i = 0; i < m.wholeIds.length; i++) signature |= 1 << (firstCodePoint(m.wholeIds[i] as number) & 31);
      for (let i = 0; i < m.prefixLo.length; i++) {
        // A range of words under one trie node shares its first character; a range may span several.
        const lo = m.prefixLo[i] as number;
        const hi = (m.prefixHi[i] as number) - 1;
        const a = firstCodePoint(lo);
        const b = firstCodePoint(hi);
        if (a === b) signature |= 1 << (a & 31);
        else signature = ~0;
      }
    }
    this.signature = signature;
    this.pairSignature = readings.reduce((bits, m) => bits | matchesPairSignature(data.words.words, m), 0);
    this.titlePairs = titlePairSignatures(data);
    this.fewestTypos = fewest;
    this.droppable = Math.max(0, missingAllowed - this.wordFewest.filter((t) => t === Infinity).length);
    this.partialBounds = new Float64Array(words.length);
  }

  /** The best-readings sets (best-readings.ts) from now on: each movie outside one has a typo more in its bound. */
  useBestReadings(sets: readonly Uint32Array[], words: readonly number[]): void {
    this.best = sets;
    this.bestOf = words;
  }

  /**
   * A key no larger than the movie's: every title word whose first letter, or first two, no query word
   * can start with is unmatched, and a word the movie surely lacks at its fewest typos has one more.
   * `castOnly` is how many query words the caller already knows the title cannot match. With partial
   * matches, `missingAllowed` is the level they were planned at, which no movie passing the filters goes
   * below (match-strategy.ts): every movie keyed misses that many words, and a word the title cannot
   * match may be one of them rather than a cast-only one.
   */
  lowerBound(rank: number, castOnly: number): number {
    const missing = this.missingAllowed;
    if (missing === 0) return packKey(this.fewestTypos + bestMissed(this.best, rank), castOnly, 0, this.unmatchable(rank), 0);
    return packKey(this.partialTypos(rank), Math.max(0, castOnly - missing), 0, this.unmatchable(rank), 0, missing);
  }

  /** How many query words the movie surely has with more than their fewest typos (best-readings.ts); 0 before the sets are given. */
  bestMissed(rank: number): number {
    return bestMissed(this.best, rank);
  }

  /**
   * The ranks of ranks[lo, hi) whose lower bound by first letters alone, with no cast-only word, is
   * below `worst`, copied to the start of `out`; their number. The broadest queries (`the`, `t`) spend
   * their time here: thousands of candidates, most of which cannot make the page. The bound by two
   * letters is left to lowerBound, which the few that pass then read: a second load per candidate cost
   * `th` more than the keys it saved.
   */
  below(ranks: Int32Array, lo: number, hi: number, worst: number, out: Int32Array): number {
    const signatures = this.data.titleSignature;
    const outside = ~this.signature;
    const { fewestTypos: fewest, best } = this;
    let n = 0;
    if (this.missingAllowed > 0) {
      for (let i = lo; i < hi; i++) if (this.lowerBound(ranks[i] as number, 0) < worst) out[n++] = ranks[i] as number;
      return n;
    }
    // Apart when no set is built: `t`, `the` have tens of thousands of candidates, and none of their words a set.
    if (best.length === 0) {
      for (let i = lo; i < hi; i++) {
        const rank = ranks[i] as number;
        if (packKey(fewest, 0, 0, popcount((signatures[rank] as number) & outside), 0) < worst) out[n++] = rank;
      }
      return n;
    }
    for (let i = lo; i < hi; i++) {
      const rank = ranks[i] as number;
      if (packKey(fewest + bestMissed(best, rank), 0, 0, popcount((signatures[rank] as number) & outside), 0) < worst) out[n++] = rank;
    }
    return n;
  }

  /**
   * The fewest typos of a movie missing `missingAllowed` words: each word's fewest, one more where the
   * movie lacks them (best-readings.ts), less those of the words it may miss, at most the costliest.
   */
  private partialTypos(rank: number): number {
    // In place, no array per call: every candidate of a partial page is bounded before it is keyed.
    const { wordFewest, bestOf, partialBounds: bounds } = this;
    for (let i = 0; i < wordFewest.length; i++) bounds[i] = wordFewest[i] as number;
    for (let s = 0; s < this.best.length; s++) {
      const word = bestOf[s] as number;
      if (!hasBit(this.best[s] as Uint32Array, rank)) bounds[word] = (bounds[word] as number) + 1;
    }
    let sum = 0;
    for (let i = 0; i < bounds.length; i++) if (bounds[i] !== Infinity) sum += bounds[i] as number;
    for (let dropped = 0; dropped < this.droppable; dropped++) {
      let costliest = -1;
      for (let i = 0; i < bounds.length; i++)
        if (bounds[i] !== Infinity && (costliest < 0 || (bounds[i] as number) > (bounds[costliest] as number))) costliest = i;
      if (costliest < 0) break;
      sum -= bounds[costliest] as number;
      bounds[costliest] = Infinity;
    }
    return sum;
  }

  /** Title words no query word can match, at least: by first letters or by first two, whichever tells more. */
  private unmatchable(rank: number): number {
    const byLetter = popcount((this.data.titleSignature[rank] as number) & ~this.signature);
    const byPair = popcount((this.titlePairs[rank] as number) & ~this.pairSignature);
    return byLetter > byPair ? byLetter : byPair;
  }
}
