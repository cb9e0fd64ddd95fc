import type { Movie } from '../../src/catalogue/movie.js';
import { fold, referenceWords } from './reference-search.js';
import { readingsOf, type Readings } from './reference-readings.js';
import { phraseStarts, runCost, synonymCostIn, synonymRuns, type ReferenceSynonymEntry } from './reference-synonyms.js';
import { extractCollection, referenceExtractUnits, type ExtractCollection } from './reference-extract.js';

/**
 * The search contract of GET /v1/movies written as plainly as possible, from the issue's words:
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
  /** all: every word of `q` must match; most (the default): when no movie matches every word, those matching the most. */
  readonly match?: 'most' | 'all';
  readonly sort: 'year:desc' | 'year:asc' | 'title:asc' | 'title:desc' | 'relevance';
  /** The operator's synonyms in force (reference-synonyms.ts). */
  readonly synonyms?: readonly ReferenceSynonymEntry[];
}

export { referenceWords } from './reference-search.js';

/**
 * The ranking rules 0–4 of a movie for `q`, or undefined when more than `missingAllowed` words match
 * neither its title nor its cast (rule 0 counts the words missing).
 */
export function referenceKey(
  q: string,
  movie: Movie,
  missingAllowed = 0,
  synonyms: readonly ReferenceSynonymEntry[] = [],
): [number, number, number, number, number, number] | undefined {
  const { words } = referenceQ(q);
  if (words.length === 0) return [0, 0, 0, 0, 0, 0];
  const r = heldReadings(q);
  const runs = synonymRuns(words, synonyms);
  const title = referenceWords(movie.title);
  const names = movie.cast.map(referenceWords);
  // A word's cost in a text: its own readings, or a synonym of a run holding it (reference-synonyms.ts).
  const cost = (i: number, text: readonly string[]) => Math.min(r.costIn(i, text), synonymCostIn(runs, i, text));
  const titleCost = words.map((_, i) => cost(i, title));
  const castCost = words.map((_, i) => Math.min(Infinity, ...names.map((name) => cost(i, name))));
  let total = 0;
  let castOnly = 0;
  let missing = 0;
  for (let i = 0; i < words.length; i++) {
    const best = Math.min(titleCost[i] as number, castCost[i] as number);
    if (best === Infinity) {
      missing++;
      continue;
    }
    total += best;
    if ((castCost[i] as number) < (titleCost[i] as number)) castOnly++;
  }
  if (missing > missingAllowed) return undefined;
  const inTitle = (k: number) => (titleCost[k] as number) !== Infinity && (titleCost[k] as number) <= (castCost[k] as number);
  // Word k's best title match ends (starts) at position p: a single word there, a split pair ending
  // (starting) there, or the phrase of a synonym whose run k ends (starts).
  const bySynonymAt = (k: number, p: number, edge: 'start' | 'end') =>
    runs.some((run) => {
      const last = run.first + run.costs.length - 1;
      if ((edge === 'start' ? run.first : last) !== k || runCost(run, k) !== titleCost[k]) return false;
      return phraseStarts(run, title).includes(edge === 'start' ? p : p - run.phrase.length + 1);
    });
  const endsAt = (k: number, p: number) =>
    r.single(k, title[p] as string) === titleCost[k] ||
    (p >= 1 && r.split(k, title[p - 1] as string, title[p]) === titleCost[k]) ||
    bySynonymAt(k, p, 'end');
  const startsAt = (k: number, p: number) =>
    r.single(k, title[p] as string) === titleCost[k] ||
    r.split(k, title[p] as string, title[p + 1]) === titleCost[k] ||
    bySynonymAt(k, p, 'start');
  // Words i and i + 1 both read, at their title costs, through one synonym the title has.
  const inOneSynonym = (i: number) =>
    runs.some((run) => runCost(run, i) === titleCost[i] && runCost(run, i + 1) === titleCost[i + 1] && phraseStarts(run, title).length > 0);
  let apart = 0;
  for (let i = 0; i + 1 < words.length; i++) {
    const adjacent =
      inTitle(i) &&
      inTitle(i + 1) &&
      (inOneSynonym(i) ||
        title.some(
          (t, p) =>
            (p + 1 < title.length && endsAt(i, p) && startsAt(i + 1, p + 1)) ||
            (r.joined(i, t) && r.single(i, t) === titleCost[i] && r.single(i + 1, t) === titleCost[i + 1]),
        ));
    if (!adjacent) apart++;
  }
  let unmatched = 0;
  let prefixOnly = 0;
  title.forEach((t, p) => {
    // The two title words of a word's best title match by a split count as matched whole.
    const best = (i: number, cost: number) => cost < Infinity && cost === titleCost[i];
    const bySplit = words.some(
      (_, i) => best(i, r.split(i, t, title[p + 1])) || (p >= 1 && best(i, r.split(i, title[p - 1] as string, t))),
    );
    // So do the title words of a synonym's phrase that is some word's best title match.
    const bySynonym = runs.some(
      (run) =>
        run.costs.some((c, j) => c === titleCost[run.first + j]) &&
        phraseStarts(run, title).some((s) => s <= p && p < s + run.phrase.length),
    );
    if (bySplit || bySynonym) return;
    const matched = words.some((_, i) => r.single(i, t) < Infinity);
    if (!matched) unmatched++;
    else if (!words.some((_, i) => r.whole(i, t))) prefixOnly++;
  });
  return [missing, total, castOnly, apart, Math.min(unmatched, 255), Math.min(prefixOnly, 255)];
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
/**
 * Words of `q` a match may miss: none with match=all, with fewer than two words, or when some movie
 * passing the filters matches every word (in its title and cast, or through its extract); else the
 * fewest any such movie misses (issue 18).
 */
export function referenceMissing(movies: readonly Movie[], r: ReferenceRequest, collection: ExtractCollection): number {
  const n = referenceQ(r.q ?? '').words.length;
  if (r.match === 'all' || n < 2) return 0;
  const passing = movies.filter((m) => referenceMatches(m, { ...r, q: undefined }, collection) && operatorsHold(r.q ?? '', m));
  if (passing.some((m) => referenceRank(r.q ?? '', m, collection, 0, r.synonyms) !== undefined)) return 0;
  let fewest = n;
  for (const m of passing) {
    const key = referenceKey(r.q ?? '', m, n - 1, r.synonyms);
    if (key !== undefined) fewest = Math.min(fewest, key[0]);
  }
  return fewest === n ? 0 : fewest;
}

/**
 * Where a movie ranks for `q`: [0, rules 0–4] for a title or cast match (missing at most `missing`
 * words), [1, −score] for a movie matched only through its extract (reference-extract.ts), which
 * only a full match may be; undefined when it does not match.
 */
export function referenceRank(
  q: string,
  movie: Movie,
  collection: ExtractCollection,
  missing = 0,
  synonyms: readonly ReferenceSynonymEntry[] = [],
): number[] | undefined {
  const key = referenceKey(q, movie, missing, synonyms);
  if (key !== undefined) return [0, ...key];
  if (missing > 0) return undefined;
  // The extract tier reads the words to match: not the excluded ones, nor the quotes.
  const units = referenceExtractUnits(referenceQ(q).words.join(' '), movie, collection);
  return units === undefined ? undefined : [1, -units, 0, 0, 0, 0, 0];
}

/**
 * Does the movie pass every filter (but the excluded one) and `q`: every word (or all but `missing`)
 * in its title and cast, or its extract?
 */
export function referenceMatches(
  movie: Movie,
  r: ReferenceRequest,
  collection: ExtractCollection,
  exclude?: Exclude,
  missing = 0,
): boolean {
  if (r.title !== undefined && !fold(movie.title).includes(fold(r.title))) return false;
  if (exclude !== 'year') {
    if (r.year !== undefined && movie.year !== r.year) return false;
    if (r.yearFrom !== undefined && movie.year < r.yearFrom) return false;
    if (r.yearTo !== undefined && movie.year > r.yearTo) return false;
  }
  if (exclude !== 'cast' && !r.cast.every((c) => movie.cast.some((x) => fold(x) === fold(c)))) return false;
  if (exclude !== 'genre' && !r.genres.every((g) => movie.genres.some((x) => fold(x) === fold(g)))) return false;
  if (r.q === undefined) return true;
  if (!operatorsHold(r.q, movie)) return false;
  // Missing at most `missing` words includes missing none, through the extract too: a facet that leaves its own filter
  // out can meet full matches the filters kept out, and counts them (docs/api.md, "Partial matches").
  return (
    referenceRank(r.q, movie, collection, missing, r.synonyms) !== undefined ||
    (missing > 0 && referenceRank(r.q, movie, collection, 0, r.synonyms) !== undefined)
  );
}

/**
 * `q` as typed: quoted text is a phrase (its words also in `words`), a token starting with a minus
 * names words to exclude; an unclosed quote runs to the end.
 */
export function referenceQ(q: string): ReferenceQ {
  return hold(q).parsed;
}

export interface ReferenceQ {
  readonly words: readonly string[];
  readonly phrases: readonly (readonly [number, number])[];
  readonly exclude: readonly string[];
}

/**
 * The last `q` parsed, and its words' readings once asked for: a full scan asks for the same `q` once or twice per
 * movie in each of its passes (the words missing, the filter, the order), and parsing it again each time was ~10 % of
 * the seed property files' CPU (docs/investigations/testtime.md, "the next largest files").
 */
let held: { readonly q: string; readonly parsed: ReferenceQ; readings: Readings | undefined } | undefined;

function hold(q: string): NonNullable<typeof held> {
  if (held?.q !== q) held = { q, parsed: parseQ(q), readings: undefined };
  return held;
}

function heldReadings(q: string): Readings {
  const h = hold(q);
  return (h.readings ??= readingsOf(h.parsed.words));
}

function parseQ(q: string): ReferenceQ {
  const out = { words: [] as string[], phrases: [] as [number, number][], exclude: [] as string[] };
  const parts = q.split('"');
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      const phrase = referenceWords(part);
      if (phrase.length > 1) out.phrases.push([out.words.length, out.words.length + phrase.length]);
      out.words.push(...phrase);
    } else
      for (const token of part.split(/\s+/u)) {
        if (token.startsWith('-')) out.exclude.push(...referenceWords(token.slice(1)));
        else out.words.push(...referenceWords(token));
      }
  });
  return out;
}

/** Every phrase side by side (each word by its single-word readings) in the title or one cast name, and no excluded word exactly. */
function operatorsHold(q: string, movie: Movie): boolean {
  const { phrases, exclude } = referenceQ(q);
  // Most queries have neither: the movie's texts need not be looked up twice per movie and scan.
  if (phrases.length === 0 && exclude.length === 0) return true;
  const texts = [referenceWords(movie.title), ...movie.cast.map(referenceWords)];
  if (exclude.some((x) => texts.some((text) => text.includes(x)))) return false;
  const r = heldReadings(q);
  return phrases.every(([start, end]) =>
    texts.some((text) =>
      text.some((_, p) => {
        for (let k = 0; k < end - start; k++) {
          const t = text[p + k];
          if (t === undefined || r.single(start + k, t) === Infinity) return false;
        }
        return true;
      }),
    ),
  );
}

/** Every match in the request's order. */
export function referenceSearch(movies: readonly Movie[], r: ReferenceRequest): Movie[] {
  const collection = extractCollection(movies);
  const missing = referenceMissing(movies, r, collection);
  const matches = movies.filter((m) => referenceMatches(m, r, collection, undefined, missing));
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
      const key = new Map(matches.map((m) => [m, referenceRank(r.q ?? '', m, collection, missing, r.synonyms) as number[]]));
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
  // The words that may be missing are decided under every filter, then the facet leaves its own out.
  const collection = extractCollection(movies);
  const missing = referenceMissing(movies, r, collection);
  const matches = movies.filter((m) => referenceMatches(m, r, collection, exclude, missing));
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
