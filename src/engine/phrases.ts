import { words as wordsOf } from '../catalogue/words.js';
import { bitmap, hasBit, setBit } from './bits.js';
import type { SegmentIndex } from './segment-index.js';
import { postingsOf } from './index-data.js';
import { lookup, stringAt } from './string-table.js';
import { typosOf, type WordMatches } from './word-match.js';

/**
 * Phrases and exclusions of `q` (query/q-text.ts), as checks on a movie. A phrase's words match as
 * any word of `q` does (typos, a number's other spelling, the last word as a prefix) but must sit
 * side by side, in the order typed, in the title or in one cast name; a word split in two or two
 * words joined do not count inside a phrase. An excluded word is matched exactly (folded, no typo,
 * no prefix): `-musical` must not drop a film for having `musicals` or `music` in it.
 */

/** Does the movie have each phrase side by side in its title or one of its cast names? */
export function phraseCheck(
  index: SegmentIndex,
  matches: readonly WordMatches[],
  phrases: readonly (readonly [number, number])[],
): (rank: number) => boolean {
  const { titleWords, movieCast, cast } = index.data;
  const at = (ids: ArrayLike<number>, from: number, to: number, [first, end]: readonly [number, number]): boolean => {
    for (let p = from; p + (end - first) <= to; p++) {
      let k = 0;
      while (k < end - first && typosOf(matches[first + k] as WordMatches, ids[p + k] as number) >= 0) k++;
      if (k === end - first) return true;
    }
    return false;
  };
  return (rank) =>
    phrases.every((phrase) => {
      if (at(titleWords.values, titleWords.offsets[rank] as number, titleWords.offsets[rank + 1] as number, phrase)) return true;
      for (let i = movieCast.offsets[rank] as number; i < (movieCast.offsets[rank + 1] as number); i++) {
        const ids = wordsOf(stringAt(cast.terms, movieCast.values[i] as number)).map((w) => lookup(index.data.words.words, w));
        if (at(ids, 0, ids.length, phrase)) return true;
      }
      return false;
    });
}

/** Is the movie free of every excluded word? */
export function exclusionCheck(index: SegmentIndex, exclude: readonly string[]): (rank: number) => boolean {
  const { words, size } = index.data;
  const excluded = bitmap(size);
  for (const word of exclude) {
    const id = lookup(words.words, word);
    if (id < 0) continue;
    for (const list of [postingsOf(words.title, id), postingsOf(words.cast, id)]) for (const rank of list) setBit(excluded, rank);
  }
  return (rank) => !hasBit(excluded, rank);
}
