import { KeyLayoutError } from '../errors/errors.js';
import { MAX_Q_WORDS, MAX_TYPOS_PER_WORD } from './limits.js';

/**
 * Ranking rules 0 to 4 (relevance.ts) packed into one number, smaller is better, so that a page is
 * ordered by (key, rank) and a relevance cursor carries the key as one number. Each field has bits
 * of its own, the first rule in the highest, so comparing keys compares the rules in order.
 * Cursors hold keys: the layout is part of what a `next_cursor` means, and does not change lightly.
 */
export interface RelevanceKey {
  /** Rule 0, with partial matches (match-strategy.ts): words of `q` the movie does not match at all. */
  readonly missing: number;
  /** Rule 1: typos over all words of `q`. */
  readonly typos: number;
  /** Rule 2: words of `q` matched only in the cast. */
  readonly castOnly: number;
  /** Rule 3: pairs of consecutive words of `q` not side by side in the title. */
  readonly apart: number;
  /** Rule 4: title words no word of `q` matches, then those matched only as a prefix (each capped at MAX_COUNT). */
  readonly unmatched: number;
  readonly prefixOnly: number;
}

/** Bits per field, lowest first; missing words, the highest, take what is above. */
const PREFIX_ONLY_BITS = 8;
const UNMATCHED_BITS = 8;
const APART_BITS = 5;
const CAST_ONLY_BITS = 5;
const TYPOS_BITS = 6;

/** Title word counts are capped, not limited: a title may have any number of words, and past 255 none is better than another. */
const MAX_COUNT = 2 ** UNMATCHED_BITS - 1;

const UNMATCHED = 2 ** PREFIX_ONLY_BITS;
const APART = UNMATCHED * 2 ** UNMATCHED_BITS;
const CAST_ONLY = APART * 2 ** APART_BITS;
const TYPOS = CAST_ONLY * 2 ** CAST_ONLY_BITS;
/** Above typos, so a key without missing words (every key before partial matches) keeps its value and old cursors their meaning. */
const MISSING = TYPOS * 2 ** TYPOS_BITS;

/**
 * Checks that every field holds its largest value under the given limits, so that no field spills
 * into the next one and keys still compare rule by rule; throws KeyLayoutError otherwise. Run when
 * this module loads, against the engine's limits: raising the word limit or the typo budget past
 * what the layout holds fails at start-up, not in a wrong order.
 */
export function checkKeyLayout(maxWords: number, maxTyposPerWord: number): void {
  const fits = (field: string, largest: number, bits: number): void => {
    if (largest >= 2 ** bits) throw new KeyLayoutError(`${field} reaches ${largest}, more than ${bits} bits hold`);
  };
  fits('castOnly', maxWords, CAST_ONLY_BITS);
  fits('apart', maxWords - 1, APART_BITS);
  fits('typos', maxWords * maxTyposPerWord, TYPOS_BITS);
  // Keys are doubles (TopK keeps them in a Float64Array, cursors in JSON): the largest must be an exact integer.
  const largest = packKey(maxWords * maxTyposPerWord, maxWords, maxWords - 1, MAX_COUNT, MAX_COUNT, maxWords);
  if (!Number.isSafeInteger(largest)) throw new KeyLayoutError(`the largest key, ${largest}, is not an exact integer`);
  if (largest >= EXTRACT_TIER) throw new KeyLayoutError(`the largest key, ${largest}, reaches the extract tier's keys`);
}

/**
 * The extract tier (extract-tier.ts): a movie `q` matches only through its extract ranks after every
 * title or cast match, by its BM25 score, highest first. Its key is EXTRACT_TIER, above every key of
 * rules 1 to 4, plus how far its score falls short of the largest a key holds, at a resolution of
 * 2^-20 (scores closer than that tie, and the catalogue order decides).
 */
export const EXTRACT_TIER = 2 ** 40;
const SCORE_UNITS = 2 ** 20;
const MAX_SCORE_UNITS = 2 ** 40 - 1;

export function extractKey(score: number): number {
  const units = Math.min(Math.round(score * SCORE_UNITS), MAX_SCORE_UNITS);
  return EXTRACT_TIER + (MAX_SCORE_UNITS - units);
}

/** The score an extract-tier key stands for (tests, tools); NaN for a key of rules 1 to 4. */
export function extractScoreOf(key: number): number {
  return key < EXTRACT_TIER ? NaN : (MAX_SCORE_UNITS - (key - EXTRACT_TIER)) / SCORE_UNITS;
}

checkKeyLayout(MAX_Q_WORDS, MAX_TYPOS_PER_WORD);

/** Rules 0 to 4 as one key (rule 0, the words missing, last: most keys have none); title word counts past MAX_COUNT count as MAX_COUNT. */
export function packKey(typos: number, castOnly: number, apart: number, unmatched: number, prefixOnly: number, missing = 0): number {
  return (
    missing * MISSING +
    typos * TYPOS +
    castOnly * CAST_ONLY +
    apart * APART +
    (unmatched < MAX_COUNT ? unmatched : MAX_COUNT) * UNMATCHED +
    (prefixOnly < MAX_COUNT ? prefixOnly : MAX_COUNT)
  );
}

/** The fields of a key (tests, and reading a cursor's key). */
export function unpackKey(key: number): RelevanceKey {
  return {
    missing: Math.floor(key / MISSING),
    typos: Math.floor(key / TYPOS) % 2 ** TYPOS_BITS,
    castOnly: Math.floor(key / CAST_ONLY) % 2 ** CAST_ONLY_BITS,
    apart: Math.floor(key / APART) % 2 ** APART_BITS,
    unmatched: Math.floor(key / UNMATCHED) % 2 ** UNMATCHED_BITS,
    prefixOnly: key % 2 ** PREFIX_ONLY_BITS,
  };
}
