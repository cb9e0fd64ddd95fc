import { popcount } from './doc-set.js';
import type { IndexData } from './index-data.js';
import { matchesWhole, typosOf, type WordMatches } from './typo.js';

/**
 * The relevance of a movie to `q`, the ranking rules in order, each breaking the ties of the one before:
 *   1. fewer typos in total;
 *   2. fewer query words matched only in the cast (a word counts as in the title when its title
 *      match has no more typos than its best cast match);
 *   3. more consecutive query words matched in the title side by side and in the query's order;
 *   4. fewer title words left unmatched by the query, then fewer matched only as a prefix of what
 *      was typed (`rocky ii` puts Rocky II before Rocky III, where "ii" is only the start of "iii");
 *   5. the catalogue order (the rank).
 * Rules 1 to 4 pack into one integer, smaller is better, so a page is ordered by (key, rank).
 */
/** Field widths fit a `q` of up to 20 words (parse-query's MAX_Q_WORDS): 40 typos, 20 cast-only words, 19 pairs apart. */
const TYPOS = 2 ** 26;
const CAST_ONLY = 2 ** 21;
const APART = 2 ** 16;
const UNMATCHED = 2 ** 8;
const MAX_COUNT = 255;

export interface RelevanceKey {
  readonly typos: number;
  readonly castOnly: number;
  readonly apart: number;
  readonly unmatched: number;
  readonly prefixOnly: number;
}

export function packKey(k: RelevanceKey): number {
  return (
    k.typos * TYPOS +
    k.castOnly * CAST_ONLY +
    k.apart * APART +
    Math.min(k.unmatched, MAX_COUNT) * UNMATCHED +
    Math.min(k.prefixOnly, MAX_COUNT)
  );
}

export function unpackKey(key: number): RelevanceKey {
  return {
    typos: Math.floor(key / TYPOS),
    castOnly: Math.floor(key / CAST_ONLY) % 32,
    apart: Math.floor(key / APART) % 32,
    unmatched: Math.floor(key / UNMATCHED) % 256,
    prefixOnly: key % 256,
  };
}

/** The largest key there can be: a cursor or bound past every movie. */
export const MAX_KEY = TYPOS * 64 - 1;

export class Relevance {
  /** Per query word: the first code point bits of every word it can match (see IndexData.titleSignature). */
  private readonly signature: number;
  /** The fewest typos any movie can have: the sum over the query words of their fewest. */
  readonly fewestTypos: number;
  private readonly titleCost: number[];
  private readonly castCost: number[];

  constructor(
    private readonly data: IndexData,
    private readonly query: readonly WordMatches[],
    /** First code point of each word id, to build the signature. */
    firstCodePoint: (id: number) => number,
  ) {
    let signature = 0;
    let fewest = 0;
    for (const m of query) {
      fewest += m.fewestTypos;
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
    this.fewestTypos = fewest;
    this.titleCost = query.map(() => Infinity);
    this.castCost = query.map(() => Infinity);
  }

  /**
   * A key no larger than the movie's, from its title signature alone: every title word whose first
   * character no query word can start with is unmatched. `castOnly` is how many query words the
   * caller already knows the title cannot match.
   */
  lowerBound(rank: number, castOnly: number): number {
    const unmatchable = popcount((this.data.titleSignature[rank] as number) & ~this.signature);
    return this.fewestTypos * TYPOS + castOnly * CAST_ONLY + Math.min(unmatchable, MAX_COUNT) * UNMATCHED;
  }

  /** The movie's key, or -1 when a query word matches neither its title nor its cast. */
  key(rank: number): number {
    const { data, query, titleCost, castCost } = this;
    const n = query.length;
    const tStart = data.titleWords.offsets[rank] as number;
    const tEnd = data.titleWords.offsets[rank + 1] as number;
    const titleWords = data.titleWords.values;
    const cStart = data.castWords.offsets[rank] as number;
    const cEnd = data.castWords.offsets[rank + 1] as number;
    const castWords = data.castWords.values;

    let unmatched = 0;
    let prefixOnly = 0;
    for (let i = 0; i < n; i++) {
      titleCost[i] = Infinity;
      castCost[i] = Infinity;
    }
    for (let p = tStart; p < tEnd; p++) {
      const word = titleWords[p] as number;
      let matched = false;
      let whole = false;
      for (let i = 0; i < n; i++) {
        const m = query[i] as WordMatches;
        const t = typosOf(m, word);
        if (t < 0) continue;
        matched = true;
        if (!whole && matchesWhole(m, word)) whole = true;
        if (t < (titleCost[i] as number)) titleCost[i] = t;
      }
      if (!matched) unmatched++;
      else if (!whole) prefixOnly++;
    }
    for (let p = cStart; p < cEnd; p++) {
      const word = castWords[p] as number;
      for (let i = 0; i < n; i++) {
        const t = typosOf(query[i] as WordMatches, word);
        if (t >= 0 && t < (castCost[i] as number)) castCost[i] = t;
      }
    }
    let typos = 0;
    let castOnly = 0;
    for (let i = 0; i < n; i++) {
      const title = titleCost[i] as number;
      const cast = castCost[i] as number;
      if (title === Infinity && cast === Infinity) return -1;
      if (cast < title) {
        castOnly++;
        typos += cast;
      } else typos += title;
    }
    let apart = 0;
    for (let i = 0; i + 1 < n; i++) {
      if (!this.sideBySide(i, titleWords, tStart, tEnd)) apart++;
    }
    return (
      typos * TYPOS + castOnly * CAST_ONLY + apart * APART + Math.min(unmatched, MAX_COUNT) * UNMATCHED + Math.min(prefixOnly, MAX_COUNT)
    );
  }

  /** Query words i and i + 1 both count as title matches and sit at positions p, p + 1 of the title, each with the typos rule 1 chose. */
  private sideBySide(i: number, titleWords: Uint32Array, start: number, end: number): boolean {
    const left = this.titleCost[i] as number;
    const right = this.titleCost[i + 1] as number;
    if (left === Infinity || right === Infinity) return false;
    if ((this.castCost[i] as number) < left || (this.castCost[i + 1] as number) < right) return false;
    const a = this.query[i] as WordMatches;
    const b = this.query[i + 1] as WordMatches;
    for (let p = start; p + 1 < end; p++) {
      if (typosOf(a, titleWords[p] as number) === left && typosOf(b, titleWords[p + 1] as number) === right) return true;
    }
    return false;
  }
}
