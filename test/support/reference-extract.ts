import type { Movie } from '../../src/catalogue/movie.js';
import { STOP_WORDS } from '../../src/engine/stop-words.js';
import { referenceWords } from './reference-engine.js';

/**
 * The extract tier of `q` written as plainly as possible, from the issue's words and the textbook
 * formulas, with no index: a movie whose title and cast do not match every word of `q` matches when
 * its extract has one of the query's words, stop words (the listed ones and single characters) left
 * out on both sides and both sides stemmed by Porter's steps 1a–1c; it ranks after every title or
 * cast match, by Okapi BM25 (k1 1.2, b 0.3, idf ln(1 + (N − df + 0.5)/(df + 0.5))) over the extracts
 * of the whole catalogue times the share of the query stems' idf (all of them, df 0 for a stem no
 * extract has) that the extract has, at a resolution of 2^-20, then the catalogue order.
 */

const isStop = (word: string): boolean => STOP_WORDS.has(word) || [...word].length === 1;

/** Porter's word shape: C for a consonant, V for a vowel, where y after a consonant is a vowel. */
function shape(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i] as string;
    const vowel = 'aeiou'.includes(c) || (c === 'y' && i > 0 && out[i - 1] === 'C');
    out += vowel ? 'V' : 'C';
  }
  return out;
}

/** m in [C](VC)^m[V]. */
const measure = (word: string): number => (shape(word).replace(/C+/g, 'C').replace(/V+/g, 'V').match(/VC/g) ?? []).length;
const hasVowel = (word: string): boolean => shape(word).includes('V');

/** Porter's steps 1a, 1b and 1c, on lower-case ASCII words longer than two letters. */
export function referenceStem(word: string): string {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
  let w = word;
  // 1a
  if (/sses$/.test(w)) w = w.slice(0, -2);
  else if (/ies$/.test(w)) w = w.slice(0, -2);
  else if (/[^s]s$/.test(w)) w = w.slice(0, -1);
  // 1b
  if (/eed$/.test(w)) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else {
    const m = /^(.*)(ed|ing)$/.exec(w);
    if (m && hasVowel(m[1] as string)) {
      w = m[1] as string;
      if (/(at|bl|iz)$/.test(w)) w += 'e';
      // A double consonant but l, s, z; `yy` never is one, as one y of two counts as a vowel.
      else if (/([^aeiouylsz])\1$/.test(w)) w = w.slice(0, -1);
      else if (measure(w) === 1 && /CVC$/.test(shape(w)) && !/[wxy]$/.test(w)) w += 'e';
    }
  }
  // 1c
  if (/y$/.test(w) && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  return w;
}

export function referenceExtractTerms(text: string): string[] {
  return referenceWords(text)
    .filter((w) => !isStop(w))
    .map(referenceStem);
}

export function referenceQueryStems(q: string): string[] {
  return [...new Set(referenceExtractTerms(q))];
}

/** What BM25 reads about the catalogue: worked out once per catalogue. */
export interface ExtractCollection {
  readonly documents: number;
  readonly averageLength: number;
  readonly documentFrequency: ReadonlyMap<string, number>;
  readonly terms: ReadonlyMap<string, readonly string[]>;
}

const collections = new WeakMap<readonly Movie[], ExtractCollection>();

export function extractCollection(movies: readonly Movie[]): ExtractCollection {
  let collection = collections.get(movies);
  if (collection === undefined) {
    const terms = new Map<string, string[]>();
    const documentFrequency = new Map<string, number>();
    let total = 0;
    for (const m of movies) {
      const t = m.extract === undefined ? [] : referenceExtractTerms(m.extract);
      if (t.length === 0) continue;
      terms.set(m.id, t);
      total += t.length;
      for (const s of new Set(t)) documentFrequency.set(s, (documentFrequency.get(s) ?? 0) + 1);
    }
    collection = { documents: terms.size, averageLength: terms.size === 0 ? 0 : total / terms.size, documentFrequency, terms };
    collections.set(movies, collection);
  }
  return collection;
}

/** The movie's score for `q`'s stems (BM25 times the idf covered) in units of 2^-20, or undefined when its extract has none of them. */
export function referenceExtractUnits(q: string, movie: Movie, collection: ExtractCollection): number | undefined {
  const terms = collection.terms.get(movie.id);
  if (terms === undefined) return undefined;
  let score = 0;
  let covered = 0;
  let all = 0;
  let matched = false;
  for (const s of referenceQueryStems(q)) {
    const df = collection.documentFrequency.get(s) ?? 0;
    const idf = Math.log(1 + (collection.documents - df + 0.5) / (df + 0.5));
    all += idf;
    const f = terms.filter((t) => t === s).length;
    if (f === 0) continue;
    matched = true;
    covered += idf;
    score += idf * ((f * (1.2 + 1)) / (f + 1.2 * (1 - 0.3 + (0.3 * terms.length) / collection.averageLength)));
  }
  return matched ? Math.round(((score * covered) / all) * 2 ** 20) : undefined;
}
