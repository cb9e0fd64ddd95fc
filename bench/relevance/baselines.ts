/**
 * What a user would pick instead of cinedex's `q`: two in-process JavaScript search libraries,
 * configured through their documented options as close to issue 10's rules as each allows. Both get the
 * issue's normalisation and word split (NFKD, marks removed, lower case, runs of letters and digits), so
 * they are compared on matching and ranking, not on their default tokenizers.
 */
import MiniSearch, { type SearchOptions } from 'minisearch';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import { normaliseText } from '../../src/catalogue/normalise.js';
import type { Ranked, Search } from './evaluate.js';

/** The fields of a seed movie a free-text search looks at. */
export interface SeedMovie {
  readonly title: string;
  readonly year: number;
  readonly cast: readonly string[];
}

/** The first page the scorer looks at. */
export const PAGE_SIZE = 10;

export function searchWords(text: string): string[] {
  return normaliseText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Issue 10's typo budget by word length; both libraries count Levenshtein edits, so a transposition costs them two. */
export function typoBudget(word: string): number {
  return word.length >= 9 ? 2 : word.length >= 5 ? 1 : 0;
}

/**
 * MiniSearch: per-term fuzziness as an absolute edit distance (a number ≥ 1, or 0 for exact), prefix on
 * the last term only, title boosted over cast, every term required (AND across fields).
 */
export function miniSearchBaseline(movies: readonly SeedMovie[]): Search {
  return miniSearchWith(movies, {
    boost: { title: 2 },
    fuzzy: (term) => typoBudget(term),
    prefix: (_term, i, terms) => i === terms.length - 1,
    combineWith: 'AND',
  });
}

/** MiniSearch over title and cast with the words, searched with `searchOptions`. */
function miniSearchWith(movies: readonly SeedMovie[], searchOptions: SearchOptions): Search {
  const index = new MiniSearch<{ id: number; title: string; cast: string; year: number }>({
    fields: ['title', 'cast'],
    storeFields: ['title', 'year'],
    tokenize: searchWords,
    processTerm: (term) => term,
    searchOptions,
  });
  index.addAll(movies.map((m, id) => ({ id, title: m.title, cast: m.cast.join(', '), year: m.year })));
  return (q) =>
    index
      .search(q)
      .slice(0, PAGE_SIZE)
      .map((hit): Ranked => ({ title: hit.title as string, year: hit.year as number }));
}

/**
 * Orama: one tolerance for the whole query (it has no per-term setting), taken from the query's longest
 * word; prefix matching on every term (its default); title boosted; `threshold: 0` keeps only documents
 * with every term, which Orama requires within a single property.
 */
export async function oramaBaseline(movies: readonly SeedMovie[]): Promise<Search> {
  return oramaWith(movies, 0);
}

/** Orama over the movies; `threshold` 0 keeps documents with every term, 1 those with any. */
async function oramaWith(movies: readonly SeedMovie[], threshold: number): Promise<Search> {
  const db = create({
    schema: { title: 'string', cast: 'string', year: 'number' } as const,
    components: {
      // Orama's default tokenizer keeps hyphens and apostrophes in words and splits at most accented letters.
      tokenizer: {
        language: 'english',
        normalizationCache: new Map<string, string>(),
        tokenize: (raw: string) => [...new Set(searchWords(raw))],
      },
    },
  });
  await insertMultiple(
    db,
    movies.map((m) => ({ title: m.title, cast: m.cast.join(', '), year: m.year })),
  );
  return async (q) => {
    const tolerance = Math.max(0, ...searchWords(q).map(typoBudget));
    const results = await oramaSearch(db, {
      term: q,
      properties: ['title', 'cast'],
      tolerance,
      boost: { title: 2 },
      threshold,
      limit: PAGE_SIZE,
    });
    return results.hits.map((hit): Ranked => ({ title: hit.document.title, year: hit.document.year }));
  };
}

/**
 * MiniSearch at its best for titles typed the way people type (set a): any word may match (OR, so
 * a wrong word does not empty the page), BM25 over title and cast with the title boosted, fuzzy 0.2
 * (its documented default for typo tolerance, relative to the word's length) and prefix on every term.
 */
export function miniSearchBest(movies: readonly SeedMovie[]): Search {
  return miniSearchWith(movies, { boost: { title: 2 }, fuzzy: 0.2, prefix: true, combineWith: 'OR' });
}

/** Orama at its best for set (a): as oramaBaseline, but `threshold: 1` keeps documents matching any term, ranked by BM25. */
export async function oramaBest(movies: readonly SeedMovie[]): Promise<Search> {
  return oramaWith(movies, 1);
}
