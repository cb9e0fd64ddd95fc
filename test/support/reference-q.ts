import { fold } from './reference-search.js';

/**
 * The matching rule of issue 10's `q`, written as plainly as possible (brute force, no index), so
 * that the relevance set and later the engine can be checked against the words of the issue:
 * every query word must match a word of the title or of a cast name; words of 1–4 characters
 * exactly, 5–8 with one typo, 9 or more with two; a typo is an insertion, deletion, substitution
 * or transposition of adjacent characters; the last query word also matches as a prefix.
 *
 * Issue 18 adds other readings of a query word, each costing one typo more (see `readings` below):
 * a number spelled another way, the word with its neighbour joined into one, the word cut into two
 * adjacent words.
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
  const r = readings(words);
  const texts = [qWords(movie.title), ...(movie.cast ?? []).map(qWords)];
  return words.every((_, i) =>
    texts.some((text) => text.some((t, p) => r.single(i, t) < Infinity || r.split(i, t, text[p + 1]) < Infinity)),
  );
}

/** What another reading of a word costs more than the word as typed: one typo. */
export const OTHER_READING = 1;

/** Every spelling of the numbers 1 to 20, one row a number: arabic, Roman, cardinal, ordinal, ordinal numeral. */
const NUMBER_ROWS = [
  '1 i one first 1st',
  '2 ii two second 2nd',
  '3 iii three third 3rd',
  '4 iv four fourth 4th',
  '5 v five fifth 5th',
  '6 vi six sixth 6th',
  '7 vii seven seventh 7th',
  '8 viii eight eighth 8th',
  '9 ix nine ninth 9th',
  '10 x ten tenth 10th',
  '11 xi eleven eleventh 11th',
  '12 xii twelve twelfth 12th',
  '13 xiii thirteen thirteenth 13th',
  '14 xiv fourteen fourteenth 14th',
  '15 xv fifteen fifteenth 15th',
  '16 xvi sixteen sixteenth 16th',
  '17 xvii seventeen seventeenth 17th',
  '18 xviii eighteen eighteenth 18th',
  '19 xix nineteen nineteenth 19th',
  '20 xx twenty twentieth 20th',
].map((row) => row.split(' '));

/** Are `a` and `b` two spellings of one number? */
export function sameNumber(a: string, b: string): boolean {
  return a !== b && NUMBER_ROWS.some((row) => row.includes(a) && row.includes(b));
}

const length = (w: string) => [...w].length;

/** A part of a split word: 1–2 characters exact, 3–8 at most one typo, 9 or more two; never more than the whole word. */
function partBudget(part: string, whole: number): number {
  const n = length(part);
  return Math.min(whole, n >= 9 ? 2 : n >= 3 ? 1 : 0);
}

/**
 * The readings of the words of `q`, by brute force. `single(i, t)` is what word i costs matched to
 * the one word t, the cheapest of:
 * - the word as typed (its typos; the last word also as a prefix);
 * - another spelling of the same number (OTHER_READING);
 * - joined with the next or the previous word, the joined form matched with the typos of its length
 *   but fewer than the shorter word has characters (OTHER_READING plus those typos, for each of the two).
 * `split(i, a, b)` is what word i costs matched to the adjacent words a b (words of 4 characters or
 * more): cut in two, both parts together within the whole word's typos, a part of 1–2 characters
 * exact and of 3–8 with at most one (the last word's second part also as a prefix); OTHER_READING
 * plus the parts' typos.
 * `whole(i, t)`: t is matched as a whole word, not only as a prefix of what was typed.
 */
export function readings(words: readonly string[]): {
  single(i: number, t: string): number;
  split(i: number, a: string, b: string | undefined): number;
  whole(i: number, t: string): boolean;
  joined(i: number, t: string): boolean;
} {
  const last = (i: number) => i === words.length - 1;
  const within = (d: number, budget: number) => (d <= budget ? d : Infinity);
  const distance = (w: string, t: string, prefix: boolean) =>
    prefix ? Math.min(osaDistance(w, t), prefixDistance(w, t)) : osaDistance(w, t);
  const joinBudget = (i: number) => {
    const [a, b] = [words[i] as string, words[i + 1] as string];
    return Math.min(typoBudget(a + b), Math.min(length(a), length(b)) - 1);
  };
  /** Words i and i + 1 joined, matched to t: the joined form's typos, or Infinity. */
  const join = (i: number, t: string) =>
    i < 0 || i + 1 >= words.length ? Infinity : within(distance((words[i] as string) + words[i + 1], t, last(i + 1)), joinBudget(i));
  const single = (i: number, t: string) => {
    const w = words[i] as string;
    return Math.min(
      within(distance(w, t, last(i)), typoBudget(w)),
      sameNumber(w, t) ? OTHER_READING : Infinity,
      join(i, t) + OTHER_READING,
      join(i - 1, t) + OTHER_READING,
    );
  };
  const split = (i: number, a: string, b: string | undefined) => {
    const w = [...(words[i] as string)];
    if (b === undefined || w.length < 4) return Infinity;
    const budget = typoBudget(w.join(''));
    // Lengths alone rule most pairs out: an edit changes a length by one at most (a shortcut, not a rule).
    const spare = w.length - length(a) - length(b);
    if (length(a) >= w.length + budget || (!last(i) && Math.abs(spare) > budget)) return Infinity;
    let best = Infinity;
    for (let k = 1; k < w.length; k++) {
      const [x, y] = [w.slice(0, k).join(''), w.slice(k).join('')];
      const dx = within(osaDistance(x, a), partBudget(x, budget));
      const dy = within(distance(y, b, last(i)), partBudget(y, budget));
      if (dx + dy <= budget) best = Math.min(best, OTHER_READING + dx + dy);
    }
    return best;
  };
  const whole = (i: number, t: string) => {
    const w = words[i] as string;
    const joinedWhole = (j: number) =>
      j >= 0 && j + 1 < words.length && osaDistance((words[j] as string) + words[j + 1], t) <= joinBudget(j);
    return osaDistance(w, t) <= typoBudget(w) || sameNumber(w, t) || joinedWhole(i) || joinedWhole(i - 1);
  };
  return { single, split, whole, joined: (i, t) => join(i, t) < Infinity };
}
