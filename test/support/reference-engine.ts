import type { Movie } from '../../src/catalogue/movie.js';
import { fold } from './reference-search.js';
import { osaDistance, prefixDistance, typoBudget } from './reference-q.js';
import { extractCollection, referenceExtractUnits, type ExtractCollection } from './reference-extract.js';

/**
 * The search contract of GET /v1/movies written as plainly as possible, from the words:
 * a full scan that tests every movie against every filter, computes the ranking rules by brute
 * force, and sorts. The engine must agree with it on every query, page and count.
 */

export interface ReferenceRequest {
  readonly title?: string;
  readonly year?: number;
  readonly yearFrom?: number;
  readonly yearTo?: number;
  readonly cast: readonly string[];
  readonly genres: readonly string[];
  /** Free text as typed. */
  readonly q?: string;
  readonly sort: 'year:desc' | 'year:asc' | 'title:asc' | 'title:desc' | 'relevance';
}

/** Words: runs of letters and digits, folded (a word-final ς counts as σ, as in the engine's per-letter folding). */
export function referenceWords(text: string): string[] {
  return (fold(text).match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.replace(/ς/g, 'σ'));
}

/** Distances already worked out: a catalogue repeats its words, and a full scan asks for the same pairs again and again. */
const memo = new Map<string, number>();

/** Typos of query word `w` against word `t`, or Infinity: whole-word distance, and for the last word also the best prefix. */
function typos(w: string, t: string, last: boolean): number {
  const key = `${last ? 1 : 0}\u0000${w}\u0000${t}`;
  let best = memo.get(key);
  if (best === undefined) {
    const whole = osaDistance(w, t);
    best = last ? Math.min(whole, prefixDistance(w, t)) : whole;
    if (memo.size > 1_000_000) memo.clear();
    memo.set(key, best);
  }
  return best <= typoBudget(w) ? best : Infinity;
}

function wholeMatch(w: string, t: string): boolean {
  return osaDistance(w, t) <= typoBudget(w);
}

/** The ranking rules 1–4 of a movie for `q`, or undefined when some word matches neither its title nor its cast. */
export function referenceKey(q: string, movie: Movie): [number, number, number, number, number] | undefined {
  const words = referenceWords(q);
  if (words.length === 0) return [0, 0, 0, 0, 0];
  const title = referenceWords(movie.title);
  const cast = movie.cast.flatMap(referenceWords);
  const last = (i: number) => i === words.length - 1;
  const titleCost = words.map((w, i) => Math.min(Infinity, ...title.map((t) => typos(w, t, last(i)))));
  const castCost = words.map((w, i) => Math.min(Infinity, ...cast.map((t) => typos(w, t, last(i)))));
  let total = 0;
  let castOnly = 0;
  for (let i = 0; i < words.length; i++) {
    const best = Math.min(titleCost[i] as number, castCost[i] as number);
    if (best === Infinity) return undefined;
    total += best;
    if ((castCost[i] as number) < (titleCost[i] as number)) castOnly++;
  }
  let apart = 0;
  for (let i = 0; i + 1 < words.length; i++) {
    const inTitle = (k: number) => (titleCost[k] as number) !== Infinity && (titleCost[k] as number) <= (castCost[k] as number);
    const adjacent =
      inTitle(i) &&
      inTitle(i + 1) &&
      title.some(
        (t, p) =>
          p + 1 < title.length &&
          typos(words[i] as string, t, last(i)) === titleCost[i] &&
          typos(words[i + 1] as string, title[p + 1] as string, last(i + 1)) === titleCost[i + 1],
      );
    if (!adjacent) apart++;
  }
  let unmatched = 0;
  let prefixOnly = 0;
  for (const t of title) {
    const matched = words.some((w, i) => typos(w, t, last(i)) !== Infinity);
    if (!matched) unmatched++;
    else if (!words.some((w) => wholeMatch(w, t))) prefixOnly++;
  }
  return [total, castOnly, apart, Math.min(unmatched, 255), Math.min(prefixOnly, 255)];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/** The catalogue order: year descending, title by UTF-16 code units, id. */
export function catalogueOrder(a: Movie, b: Movie): number {
  if (a.year !== b.year) return b.year - a.year;
  if (a.title !== b.title) return a.title < b.title ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Code point order (what the engine sorts titles by). */
function codePointOrder(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

export type Exclude = 'genre' | 'cast' | 'year' | undefined;

/**
 * Where a movie ranks for `q`: [0, rules 1–4] for a title or cast match, [1, −score] for a movie
 * matched only through its extract (reference-extract.ts); undefined when it does not match.
 */
export function referenceRank(q: string, movie: Movie, collection: ExtractCollection): number[] | undefined {
  const key = referenceKey(q, movie);
  if (key !== undefined) return [0, ...key];
  const units = referenceExtractUnits(q, movie, collection);
  return units === undefined ? undefined : [1, -units, 0, 0, 0, 0];
}

/** Does the movie pass every filter (but the excluded one) and every word of `q`, in its title and cast or its extract? */
export function referenceMatches(movie: Movie, r: ReferenceRequest, collection: ExtractCollection, exclude?: Exclude): boolean {
  if (r.title !== undefined && !fold(movie.title).includes(fold(r.title))) return false;
  if (exclude !== 'year') {
    if (r.year !== undefined && movie.year !== r.year) return false;
    if (r.yearFrom !== undefined && movie.year < r.yearFrom) return false;
    if (r.yearTo !== undefined && movie.year > r.yearTo) return false;
  }
  if (exclude !== 'cast' && !r.cast.every((c) => movie.cast.some((x) => fold(x) === fold(c)))) return false;
  if (exclude !== 'genre' && !r.genres.every((g) => movie.genres.some((x) => fold(x) === fold(g)))) return false;
  return r.q === undefined || referenceRank(r.q, movie, collection) !== undefined;
}

/** Every match in the request's order. */
export function referenceSearch(movies: readonly Movie[], r: ReferenceRequest): Movie[] {
  const collection = extractCollection(movies);
  const matches = movies.filter((m) => referenceMatches(m, r, collection));
  switch (r.sort) {
    case 'year:desc':
      return matches.sort(catalogueOrder);
    case 'year:asc':
      return matches.sort((a, b) => a.year - b.year || catalogueOrder(a, b));
    case 'title:asc':
      return matches.sort((a, b) => codePointOrder(fold(a.title), fold(b.title)) || catalogueOrder(a, b));
    case 'title:desc':
      return matches.sort((a, b) => codePointOrder(fold(b.title), fold(a.title)) || catalogueOrder(a, b));
    case 'relevance': {
      const key = new Map(matches.map((m) => [m, referenceRank(r.q ?? '', m, collection) as number[]]));
      return matches.sort((a, b) => compareKeys(key.get(a) as number[], key.get(b) as number[]) || catalogueOrder(a, b));
    }
  }
}

/** Facet counts over every match, the facet's own filter left out; sorted and cut as the contract says. */
export function referenceFacet(
  movies: readonly Movie[],
  r: ReferenceRequest,
  facet: 'genre' | 'year' | 'decade' | 'cast',
  limit: number,
): { value: string | number; count: number }[] {
  const exclude: Exclude = facet === 'genre' ? 'genre' : facet === 'cast' ? 'cast' : 'year';
  const matches = movies.filter((m) => referenceMatches(m, r, extractCollection(movies), exclude));
  const counts = new Map<string | number, number>();
  const spellings = new Map<string, Map<string, number>>();
  const bump = (key: string | number) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const m of matches) {
    if (facet === 'year') bump(m.year);
    else if (facet === 'decade') bump(Math.floor(m.year / 10) * 10);
    else {
      const values = facet === 'genre' ? m.genres : m.cast;
      for (const key of new Set(values.map(fold))) bump(key);
    }
  }
  // A value shows its most common spelling across the whole catalogue.
  if (facet === 'genre' || facet === 'cast') {
    for (const m of movies) {
      for (const v of facet === 'genre' ? m.genres : m.cast) {
        const bySpelling = spellings.get(fold(v)) ?? new Map<string, number>();
        bySpelling.set(v, (bySpelling.get(v) ?? 0) + 1);
        spellings.set(fold(v), bySpelling);
      }
    }
  }
  const shown = (key: string | number): string | number => {
    if (typeof key === 'number') return key;
    const bySpelling = [...(spellings.get(key) ?? new Map<string, number>())];
    bySpelling.sort((a, b) => b[1] - a[1] || codePointOrder(a[0], b[0]));
    return bySpelling[0]?.[0] ?? key;
  };
  const values = [...counts].map(([key, count]) => ({ value: shown(key), count }));
  if (facet === 'year' || facet === 'decade') {
    // The busiest `limit` (the later on a tie), in time order.
    const busiest = values.sort((a, b) => b.count - a.count || (b.value as number) - (a.value as number)).slice(0, limit);
    return busiest.sort((a, b) => (a.value as number) - (b.value as number));
  }
  values.sort((a, b) => b.count - a.count || codePointOrder(String(a.value), String(b.value)));
  return values.slice(0, limit);
}
