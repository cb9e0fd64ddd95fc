import { bestReadings } from './best-readings.js';
import { bitmap, fillBits, hasBit, setBit } from './bits.js';
import { KeyBound } from './key-bound.js';
import type { IndexData } from './index-data.js';
import { KEYED_BEFORE_BITMAP } from './limits.js';
import { packKey } from './relevance-key.js';
import { tableSize } from './string-table.js';
import { castSplitTypos, splitTypos, titleSplitTypos, type SplitMatch } from './joins.js';
import { matchesWhole, typosOf, wholeMatches, type WordMatches } from './word-match.js';
import { indexOfSorted } from './sorted.js';
import { occurrences, synonymCost, type SynonymMatch } from './synonym-plan.js';
import type { QueryWord } from './word-plan.js';

/**
 * The relevance of a movie to `q`, the ranking rules in order, each breaking the ties of the one before:
 *   0. with partial matches (match-strategy.ts), fewer words of `q` matched nowhere;
 *   1. fewer typos in total, another reading of a word (a number's other spelling, a word split in
 *      two or two words joined, joins.ts) counting EQUIVALENT_TYPOS;
 *   2. fewer query words matched only in the cast (a word counts as in the title when its title
 *      match has no more typos than its best cast match);
 *   3. more consecutive query words matched in the title side by side and in the query's order (a
 *      word split in two spans its two title words; two words joined sit side by side in theirs);
 *   4. fewer title words left unmatched by the query, then fewer matched only as a prefix of what
 *      was typed (`rocky ii` puts Rocky II before Rocky III, where "ii" is only the start of "iii");
 *      the two title words of a word's best title match by a split count as matched whole;
 *   5. the catalogue order (the rank).
 * Rules 0 to 4 pack into one key (relevance-key.ts), smaller is better, so a page is ordered by (key, rank).
 */
export class Relevance {
  /** The lower bound of a movie's key (key-bound.ts), read by the page before it keys a movie. */
  readonly bound: KeyBound;
  private readonly titleCost: number[];
  private readonly castCost: number[];
  /** Every word id some query word matches, one bit each; built once enough movies have been keyed to pay for it. */
  private matched: Uint32Array | undefined;
  private keyed = 0;
  private readonly query: readonly WordMatches[];
  private readonly splits: readonly (SplitMatch | undefined)[];
  private readonly joins: readonly (WordMatches | undefined)[];
  /** The synonyms read for runs of the words (synonym-plan.ts), and per synonym, while a movie is keyed, where it starts in the title. */
  private readonly synonyms: readonly SynonymMatch[];
  private readonly synonymStarts: number[][];
  /** Every WordMatches a title word may be read through: the words' own, and the parts of their splits. */
  private readonly readings: readonly WordMatches[];
  /** Per query word, while a movie is keyed: its split's best typos at adjacent title words, or Infinity (none, or no split). */
  private readonly splitInTitle: number[];
  /** Per title position, while a movie is keyed: counted unmatched (1) or prefix-only (2); only with splits or synonyms. */
  private status = new Uint8Array(0);
  private readonly hasSplits: boolean;
  private readonly tracksStatus: boolean;

  constructor(
    private readonly data: IndexData,
    private readonly words: readonly QueryWord[],
    /** Movies keyed before the matched-words bitmap is built (see mayMatch); tests set 0 and Infinity to compare. */
    private readonly keyedBeforeBitmap = KEYED_BEFORE_BITMAP,
    /** Words of `q` a movie may miss and still match (rule 0, match-strategy.ts). */
    private readonly missingAllowed = 0,
  ) {
    this.query = words.map((w) => w.matches);
    this.splits = words.map((w) => w.split);
    this.joins = words.map((w) => w.joinNext);
    this.hasSplits = words.some((w) => w.split !== undefined);
    this.synonyms = [...new Set(words.flatMap((w) => w.synonyms ?? []))];
    this.synonymStarts = this.synonyms.map(() => []);
    this.tracksStatus = this.hasSplits || this.synonyms.length > 0;
    this.readings = [
      ...this.query,
      ...words.flatMap((w) => w.split?.cuts.flatMap((c) => [c.left, c.right]) ?? []),
      ...this.synonyms.map((m) => wholeMatches(m.expansion, 0, [])),
    ];
    this.bound = new KeyBound(data, words, this.readings, missingAllowed);
    this.titleCost = words.map(() => Infinity);
    this.castCost = words.map(() => Infinity);
    this.splitInTitle = words.map(() => Infinity);
  }

  /**
   * A word id a query word may match (true) or surely does not (false). A typo'd prefix (`walle`)
   * matches a few dozen words spread over the dictionary, so neither id bounds nor first characters
   * rule much out, while most words of a movie's title and cast match nothing: the bitmap answers
   * those in one load, and only the rest pay for the search in the match lists.
   */
  private mayMatch(word: number): boolean {
    const bits = this.matched;
    return bits === undefined || hasBit(bits, word);
  }

  private buildMatched(): Uint32Array {
    const bits = bitmap(tableSize(this.data.words.words));
    for (const m of this.readings) {
      for (let i = 0; i < m.wholeIds.length; i++) setBit(bits, m.wholeIds[i] as number);
      for (let i = 0; i < m.prefixLo.length; i++) fillBits(bits, m.prefixLo[i] as number, m.prefixHi[i] as number);
    }
    return bits;
  }

  /** The movie's key, or -1 when more query words than allowed match neither its title nor its cast. */
  key(rank: number): number {
    // Cheap queries key a handful of movies; the bitmap costs a pass over the dictionary's bits.
    if (this.keyed++ === this.keyedBeforeBitmap) {
      this.matched = this.buildMatched();
      const { sets, words } = bestReadings(this.data, this.words);
      this.bound.useBestReadings(sets, words);
    }
    const { data, query, titleCost, castCost, splits } = this;
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
    // With splits or synonyms, each title word's count (1 unmatched, 2 prefix-only) is kept: a split or a synonym may cover it after all.
    const status = this.tracksStatus ? this.statusBuffer(tEnd - tStart) : undefined;
    for (let p = tStart; p < tEnd; p++) {
      const word = titleWords[p] as number;
      if (!this.mayMatch(word)) {
        unmatched++;
        if (status) status[p - tStart] = 1;
        continue;
      }
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
      if (!matched) {
        unmatched++;
        if (status) status[p - tStart] = 1;
      } else if (!whole) {
        prefixOnly++;
        if (status) status[p - tStart] = 2;
      }
    }
    if (status) {
      // Synonyms lower the title costs first, so that the splits' cover reads the final costs.
      const hasSynonym = this.synonymsInTitle(rank, titleWords, tStart, tEnd);
      const uncounted = this.hasSplits ? this.splitsInTitle(rank, titleWords, tStart, tEnd, status) : { unmatched: 0, prefixOnly: 0 };
      if (hasSynonym) {
        const covered = this.synonymsCover(status);
        uncounted.unmatched += covered.unmatched;
        uncounted.prefixOnly += covered.prefixOnly;
      }
      unmatched -= uncounted.unmatched;
      prefixOnly -= uncounted.prefixOnly;
    }
    // The cast only matters for a query word its title did not match with the word's fewest typos.
    let castNeeded = false;
    for (let i = 0; i < n; i++) if ((titleCost[i] as number) > (query[i] as WordMatches).fewestTypos) castNeeded = true;
    for (let p = castNeeded ? cStart : cEnd; p < cEnd; p++) {
      const word = castWords[p] as number;
      if (!this.mayMatch(word)) continue;
      for (let i = 0; i < n; i++) {
        const m = query[i] as WordMatches;
        const title = titleCost[i] as number;
        if (title <= m.fewestTypos) continue;
        // One typo short of the best: only the best matches, a narrow range of ids, can do better.
        if (title === m.fewestTypos + 1 && (word < m.bestLo || word >= m.bestHi)) continue;
        const t = typosOf(m, word);
        if (t >= 0 && t < (castCost[i] as number)) castCost[i] = t;
      }
    }
    for (let i = 0; i < n; i++) {
      const split = splits[i];
      if (split === undefined || (titleCost[i] as number) <= split.fewestTypos) continue;
      const t = castSplitTypos(split, rank);
      if (t >= 0 && t < (castCost[i] as number)) castCost[i] = t;
    }
    for (const m of this.synonyms) {
      if (m.cast.length === 0 || indexOfSorted(m.cast, rank) < 0) continue;
      m.costs.forEach((cost, j) => {
        const i = m.first + j;
        if (cost < (titleCost[i] as number) && cost < (castCost[i] as number)) castCost[i] = cost;
      });
    }
    let typos = 0;
    let castOnly = 0;
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const title = titleCost[i] as number;
      const cast = castCost[i] as number;
      if (title === Infinity && cast === Infinity) {
        if (++missing > this.missingAllowed) return -1;
      } else if (cast < title) {
        castOnly++;
        typos += cast;
      } else typos += title;
    }
    let apart = 0;
    for (let i = 0; i + 1 < n; i++) {
      if (!this.sideBySide(i, titleWords, tStart, tEnd)) apart++;
    }
    return packKey(typos, castOnly, apart, unmatched, prefixOnly, missing);
  }

  private statusBuffer(length: number): Uint8Array {
    if (this.status.length < length) this.status = new Uint8Array(2 * length);
    this.status.fill(0, 0, length);
    return this.status;
  }

  /**
   * Lowers the title costs of the words read as two adjacent title words; the title words of a
   * word's best title match by a split count as matched whole (rule 4): how many of those `status`
   * had counted unmatched and prefix-only, clearing them there.
   */
  private splitsInTitle(
    rank: number,
    titleWords: Uint32Array,
    start: number,
    end: number,
    status: Uint8Array,
  ): { unmatched: number; prefixOnly: number } {
    const { splits, titleCost, splitInTitle } = this;
    // Most candidates have no split in their title: planSplit kept each one's best, so only the rest read their pairs.
    for (let i = 0; i < splits.length; i++) {
      const split = splits[i];
      const t = split === undefined ? -1 : titleSplitTypos(split, rank);
      splitInTitle[i] = t < 0 ? Infinity : t;
      if (t >= 0 && t < (titleCost[i] as number)) titleCost[i] = t;
    }
    const cover = coverer(status);
    for (let i = 0; i < splits.length; i++) {
      const split = splits[i];
      // No pair of the title reads the split with fewer typos than its best, so none reads it at a lower title cost.
      if (split === undefined || splitInTitle[i] !== titleCost[i]) continue;
      for (let p = start; p + 1 < end; p++) {
        if (splitTypos(split, titleWords[p] as number, titleWords[p + 1] as number) !== titleCost[i]) continue;
        cover.at(p - start);
        cover.at(p + 1 - start);
      }
    }
    return cover.uncounted;
  }

  /**
   * Lowers the title costs of the words whose synonym the title has, noting where each synonym
   * starts (synonymStarts); whether the title has any.
   */
  private synonymsInTitle(rank: number, titleWords: Uint32Array, start: number, end: number): boolean {
    const { synonyms, synonymStarts, titleCost } = this;
    let any = false;
    for (let k = 0; k < synonyms.length; k++) {
      const m = synonyms[k] as SynonymMatch;
      const starts = indexOfSorted(m.title, rank) < 0 ? [] : occurrences(titleWords, start, end, m.expansion);
      synonymStarts[k] = starts;
      if (starts.length === 0) continue;
      any = true;
      m.costs.forEach((cost, j) => {
        if (cost < (titleCost[m.first + j] as number)) titleCost[m.first + j] = cost;
      });
    }
    return any;
  }

  /** The title words of a word's best title match by a synonym count as matched whole (rule 4), like a split's. */
  private synonymsCover(status: Uint8Array): { unmatched: number; prefixOnly: number } {
    const cover = coverer(status);
    this.synonyms.forEach((m, k) => {
      if (!m.costs.some((cost, j) => cost === this.titleCost[m.first + j])) return;
      for (const s of this.synonymStarts[k] as number[]) for (let j = 0; j < m.expansion.length; j++) cover.at(s + j);
    });
    return cover.uncounted;
  }

  /**
   * Word i's best title match (at `cost`) is a synonym whose run it ends (`end`), or starts
   * (`start`), and which ends (starts) at title offset `at`.
   */
  private synonymAt(i: number, cost: number, at: number, edge: 'start' | 'end'): boolean {
    return this.synonyms.some((m, k) => {
      const last = m.first + m.costs.length - 1;
      if (edge === 'start' ? m.first !== i : last !== i) return false;
      if (synonymCost(m, i) !== cost) return false;
      const want = edge === 'start' ? at : at - m.expansion.length + 1;
      return (this.synonymStarts[k] as number[]).includes(want);
    });
  }

  /** Words i and i + 1 are both read, at their title costs, through one synonym the title has: they sit side by side in it. */
  private inOneSynonym(i: number): boolean {
    return this.synonyms.some(
      (m, k) =>
        (this.synonymStarts[k] as number[]).length > 0 &&
        synonymCost(m, i) === this.titleCost[i] &&
        synonymCost(m, i + 1) === this.titleCost[i + 1],
    );
  }

  /**
   * Query words i and i + 1 both count as title matches, each with the typos rule 1 chose, and word
   * i ends where word i + 1 starts, one title word later; or the two, joined, are one title word.
   */
  private sideBySide(i: number, titleWords: Uint32Array, start: number, end: number): boolean {
    const left = this.titleCost[i] as number;
    const right = this.titleCost[i + 1] as number;
    if (left === Infinity || right === Infinity) return false;
    if ((this.castCost[i] as number) < left || (this.castCost[i + 1] as number) < right) return false;
    if (this.synonyms.length > 0 && this.inOneSynonym(i)) return true;
    const a = this.query[i] as WordMatches;
    const b = this.query[i + 1] as WordMatches;
    const join = this.joins[i];
    for (let p = start; p < end; p++) {
      const word = titleWords[p] as number;
      if (p + 1 < end && this.endsAt(i, left, titleWords, start, p) && this.startsAt(i + 1, right, titleWords, start, end, p + 1))
        return true;
      if (join !== undefined && typosOf(join, word) >= 0 && typosOf(a, word) === left && typosOf(b, word) === right) return true;
    }
    return false;
  }

  /** Word i's title match at `cost` ends at title position p: the word there, a split ending there, or a synonym. */
  private endsAt(i: number, cost: number, titleWords: Uint32Array, start: number, p: number): boolean {
    const word = titleWords[p] as number;
    if (typosOf(this.query[i] as WordMatches, word) === cost) return true;
    const split = this.splits[i];
    if (
      split !== undefined &&
      (this.splitInTitle[i] as number) <= cost &&
      p > start &&
      splitTypos(split, titleWords[p - 1] as number, word) === cost
    )
      return true;
    return this.synonyms.length > 0 && this.synonymAt(i, cost, p - start, 'end');
  }

  /** Word i's title match at `cost` starts at title position p: the word there, a split starting there, or a synonym. */
  private startsAt(i: number, cost: number, titleWords: Uint32Array, start: number, end: number, p: number): boolean {
    const word = titleWords[p] as number;
    if (typosOf(this.query[i] as WordMatches, word) === cost) return true;
    const split = this.splits[i];
    if (
      split !== undefined &&
      (this.splitInTitle[i] as number) <= cost &&
      p + 1 < end &&
      splitTypos(split, word, titleWords[p + 1] as number) === cost
    )
      return true;
    return this.synonyms.length > 0 && this.synonymAt(i, cost, p - start, 'start');
  }
}

/** Clears title positions a split or a synonym covers, counting what they had been counted as. */
function coverer(status: Uint8Array): { at(position: number): void; readonly uncounted: { unmatched: number; prefixOnly: number } } {
  const uncounted = { unmatched: 0, prefixOnly: 0 };
  return {
    at(position) {
      const was = status[position] as number;
      if (was === 1) uncounted.unmatched++;
      else if (was === 2) uncounted.prefixOnly++;
      status[position] = 0;
    },
    uncounted,
  };
}
