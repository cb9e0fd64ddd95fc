import { fold } from './reference-search.js';

/**
 * The matching rule of issue 10's `q`, written as plainly as possible (brute force, no index), so
 * that the relevance set and later the engine can be checked against the words of the issue:
 * every query word must match a word of the title or of a cast name; words of 1–4 characters
 * exactly, 5–8 with one typo, 9 or more with two; a typo is an insertion, deletion, substitution
 * or transposition of adjacent characters; the last query word also matches as a prefix.
 */

/** Words after the normalisation: runs of letters and digits, so "Spider-Man" is `spider`, `man`. */
export function qWords(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Typos a query word may carry; its length counts characters, not UTF-16 units. */
export function typoBudget(queryWord: string): number {
  const length = [...queryWord].length;
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

/**
 * Optimal string alignment distance from `a` to every prefix of `b`: row[j] is the distance
 * between `a` and the first j characters of `b`, so row[b.length] is the whole-word distance.
 */
function osaRow(a: string, b: string): number[] {
  const x = [...a];
  const y = [...b];
  let twoBack: number[] = [];
  let previous = y.map((_, j) => j + 1);
  previous.unshift(0);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, (twoBack[j - 2] as number) + 1);
      current.push(d);
    }
    twoBack = previous;
    previous = current;
  }
  return previous;
}

/** Edits (insertion, deletion, substitution, adjacent transposition) turning `a` into `b`. */
export function osaDistance(a: string, b: string): number {
  return osaRow(a, b).at(-1) as number;
}

/** Fewest edits turning `a` into some prefix of `b` (the empty prefix and `b` itself included). */
export function prefixDistance(a: string, b: string): number {
  return Math.min(...osaRow(a, b));
}

export interface QMovie {
  readonly title: string;
  readonly cast?: readonly string[];
}

/** Whether the movie is a match for `q` under the rule above (an empty query matches nothing). */
export function matchesQ(q: string, movie: QMovie): boolean {
  const words = qWords(q);
  if (words.length === 0) return false;
  const candidates = [...qWords(movie.title), ...(movie.cast ?? []).flatMap(qWords)];
  return words.every((word, i) => {
    const distance = i === words.length - 1 ? prefixDistance : osaDistance;
    const budget = typoBudget(word);
    return candidates.some((candidate) => distance(word, candidate) <= budget);
  });
}
