import { readings } from './reference-q.js';

/**
 * The readings of a query's words in the reference's texts, memoised (reference-q.ts says what they are): a full scan of
 * the seed asks for the same few words in the same texts millions of times.
 */

/** The readings of one query's words, memoised: a full scan asks for the same words again and again. */
const memo = new Map<string, Readings>();

export function readingsOf(words: readonly string[]): Readings {
  const key = words.join('\u0000');
  let r = memo.get(key);
  if (r === undefined) {
    const plain = readings(words);
    // One map per query word, keyed by the text's word itself: a full scan asks millions of times, and a key
    // built by concatenation would be hashed afresh on every ask (a third of the seed test's time).
    const perWord = <T>() => words.map(() => new Map<string, T>());
    const single = perWord<number>();
    const split = perWord<Map<string, number>>();
    const whole = perWord<boolean>();
    // The same for costIn, by the text words' numbers (wordNumbers): the maps' look-ups by string were still half the
    // seed property files' CPU (docs/investigations/testtime.md, "the next largest files").
    const singleByNumber: Float64Array[] = words.map(() => new Float64Array(0));
    const splitByNumber = words.map(() => [] as (Map<number, number> | undefined)[]);
    r = {
      single: (i, t) => cached(single[i] as Map<string, number>, t, () => plain.single(i, t)),
      split: (i, a, b) =>
        b === undefined
          ? Infinity
          : cached(
              cached(split[i] as Map<string, Map<string, number>>, a, () => new Map()),
              b,
              () => plain.split(i, a, b),
            ),
      whole: (i, t) => cached(whole[i] as Map<string, boolean>, t, () => plain.whole(i, t)),
      joined: plain.joined,
      costIn: (i, text) => {
        const numbers = wordNumbers(text);
        let singles = singleByNumber[i] as Float64Array;
        const splits = splitByNumber[i] as (Map<number, number> | undefined)[];
        let best = Infinity;
        for (let p = 0; p < numbers.length; p++) {
          const n = numbers[p] as number;
          if (n >= singles.length) singles = singleByNumber[i] = grown(singles, n);
          let c = singles[n] as number;
          if (Number.isNaN(c)) c = singles[n] = plain.single(i, text[p] as string);
          best = Math.min(best, c);
          if (p + 1 === numbers.length) continue;
          while (splits.length <= n) splits.push(undefined);
          const byNext = (splits[n] ??= new Map<number, number>());
          const next = numbers[p + 1] as number;
          let d = byNext.get(next);
          if (d === undefined) {
            d = plain.split(i, text[p] as string, text[p + 1]);
            byNext.set(next, d);
          }
          best = Math.min(best, d);
        }
        return best;
      },
    };
    if (memo.size > 10_000) memo.clear();
    memo.set(key, r);
  }
  return r;
}

export type Readings = ReturnType<typeof readings> & {
  /** The cheapest reading of word i in one text (a title, or a cast name): single words and adjacent pairs. */
  costIn(i: number, text: readonly string[]): number;
};

function cached<T>(map: Map<string, T>, key: string, compute: () => T): T {
  let v = map.get(key);
  if (v === undefined) {
    v = compute();
    map.set(key, v);
  }
  return v;
}

/** A number for each text word, first come first numbered; a text's numbers are kept with its word list. */
const numberOf = new Map<string, number>();
const numbersOf = new WeakMap<readonly string[], Int32Array>();

function wordNumbers(text: readonly string[]): Int32Array {
  let numbers = numbersOf.get(text);
  if (numbers === undefined) {
    numbers = Int32Array.from(text, (t) => {
      let n = numberOf.get(t);
      if (n === undefined) numberOf.set(t, (n = numberOf.size));
      return n;
    });
    numbersOf.set(text, numbers);
  }
  return numbers;
}

/** `costs` with room for word number n, the new places unknown (NaN). */
function grown(costs: Float64Array, n: number): Float64Array {
  const more = new Float64Array(Math.max(n + 1, costs.length * 2, 1024)).fill(NaN);
  more.set(costs);
  return more;
}
