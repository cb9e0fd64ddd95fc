import { codePoints, words as wordsOf } from '../catalogue/words.js';
import type { CatalogueIndex } from './catalogue-index.js';
import { cursor, END } from './doc-set.js';
import { postingsLength, type Postings, type Ragged, type StringTable } from './index-data.js';
import { liveCandidates, liveCheck, type LiveSegment } from './live-segments.js';
import { candidateSet, planQuery, verifier } from './plan.js';
import type { SegmentIndex } from './segment-index.js';
import type { FacetValue, MovieQuery } from './search-request.js';
import { compareCodePoints, lookup, stringAt, tableSize } from './string-table.js';
import { editRow, typoBudget, type WordMatches } from './word-match.js';

/** The facets whose values can be searched: the ones with too many values to list (cast) and genre. */
export const SEARCHABLE_FACETS = ['cast', 'genre'] as const;
export type SearchableFacet = (typeof SEARCHABLE_FACETS)[number];

export interface FacetSearch {
  readonly facet: SearchableFacet;
  /** The typed fragment as folded words (catalogue/words.ts), in order; at least one. */
  readonly words: readonly string[];
  /** The movies to count in: the filters of GET /v1/movies; `q` and the facet's own filter are not applied. */
  readonly query: MovieQuery;
  readonly limit: number;
}

export interface FacetSearchValue extends FacetValue {
  readonly value: string;
}

/** Typos of a value that does not match (a word of the fragment matches none of its words). */
const NO_MATCH = 255;

/**
 * Search within a facet's values, as `q` matches words: every word of the fragment must match a
 * word of the value, with the same typo budget, the last word also as the start of a word
 * (`tom ha` finds Tom Hanks and Tom Hardy, `hnks` Tom Hanks). Each value comes with its number of
 * movies under the request's filters, the facet's own filter left out as facets do; values with no
 * such movie are left out. Fewest typos first, then most movies, then the value (normalised, in code
 * point order).
 */
export function searchFacetValues(catalogue: CatalogueIndex, search: FacetSearch): FacetSearchValue[] {
  const single = catalogue.single;
  const found = single !== undefined ? [valuesIn(single, search, undefined)] : catalogue.segments.map((s) => valuesIn(s.index, search, s));
  // Values merge by their normalised form, as one segment built from the live movies would hold
  // them; a value's typos depend on its words alone, so every segment finds the same.
  const merged = new Map<string, { typos: number; count: number }>();
  for (const values of found) {
    for (const { term, typos, count } of values) {
      const seen = merged.get(term);
      merged.set(term, seen === undefined ? { typos, count } : { typos: Math.min(typos, seen.typos), count: seen.count + count });
    }
  }
  const best = [...merged]
    .sort(([a, x], [b, y]) => x.typos - y.typos || y.count - x.count || compareCodePoints(a, b))
    .slice(0, search.limit);
  if (single !== undefined) {
    const names = search.facet === 'cast' ? single.data.castNames : single.data.genreNames;
    const terms = search.facet === 'cast' ? single.data.cast.terms : single.data.genres.terms;
    return best.map(([term, { count }]) => ({ value: stringAt(names, lookup(terms, term)), count }));
  }
  return best.map(([term, { count }]) => ({ value: catalogue.counts.displayOf(search.facet, term), count }));
}

/** One segment's matching values (normalised), with their typos and live movies under the filters. */
function valuesIn(
  index: SegmentIndex,
  search: FacetSearch,
  live: LiveSegment | undefined,
): { term: string; typos: number; count: number }[] {
  const { data } = index;
  const typos = search.facet === 'cast' ? castTypos(index, search.words) : genreTypos(data.genres.terms, search.words);
  const counts = countUnderFilters(index, search, typos, live);
  const terms = search.facet === 'cast' ? data.cast.terms : data.genres.terms;
  const out: { term: string; typos: number; count: number }[] = [];
  for (let id = 0; id < typos.length; id++) {
    const count = counts[id] as number;
    if ((typos[id] as number) !== NO_MATCH && count > 0) out.push({ term: stringAt(terms, id), typos: typos[id] as number, count });
  }
  return out;
}

/**
 * Per cast name, the typos with which it matches every word of the fragment (NO_MATCH when some word
 * matches none of its words): from the dictionary words each fragment word matches (the trie walk
 * `q` uses, through the word planner's cache) to the names that have them.
 */
function castTypos(index: SegmentIndex, words: readonly string[]): Uint8Array {
  const { data } = index;
  const total = new Uint8Array(tableSize(data.cast.terms));
  const best = new Uint8Array(total.length);
  words.forEach((word, i) => {
    best.fill(NO_MATCH);
    const matches = index.wordPlanner.plan(word, i === words.length - 1).matches;
    forEachMatch(matches, (wordId, t) => lowerAll(best, data.words.castNames, wordId, t));
    for (let id = 0; id < total.length; id++) total[id] = Math.min(NO_MATCH, (total[id] as number) + (best[id] as number));
  });
  return total;
}

function forEachMatch(m: WordMatches, visit: (word: number, typos: number) => void): void {
  for (let i = 0; i < m.wholeIds.length; i++) visit(m.wholeIds[i] as number, m.wholeTypos[i] as number);
  for (let i = 0; i < m.prefixLo.length; i++)
    for (let w = m.prefixLo[i] as number; w < (m.prefixHi[i] as number); w++) visit(w, m.prefixTypos[i] as number);
}

/** Lowers `best` to `typos` for every name under `word`. */
function lowerAll(best: Uint8Array, byWord: Postings, word: number, typos: number): void {
  for (let p = byWord.offsets[word] as number; p < (byWord.offsets[word + 1] as number); p++) {
    const name = byWord.values[p] as number;
    if (typos < (best[name] as number)) best[name] = typos;
  }
}

/** Genres are a few dozen: each is compared with the fragment word by word. */
function genreTypos(genres: StringTable, words: readonly string[]): Uint8Array {
  const out = new Uint8Array(tableSize(genres));
  const typed = words.map(codePoints);
  for (let id = 0; id < out.length; id++) {
    const own = wordsOf(stringAt(genres, id)).map(codePoints);
    let sum = 0;
    typed.forEach((query, i) => {
      const last = i === typed.length - 1;
      const budget = typoBudget(query.length);
      let fewest = NO_MATCH;
      for (const word of own) fewest = Math.min(fewest, distance(query, word, last));
      sum += fewest <= budget ? fewest : NO_MATCH;
    });
    out[id] = Math.min(NO_MATCH, sum);
  }
  return out;
}

/** Typos from `query` to `word`, or for a prefix to the closest start of `word`: the rule `q` applies to its words. */
function distance(query: readonly number[], word: readonly number[], prefix: boolean): number {
  const row = editRow(query, word);
  return prefix ? Math.min(...row) : (row[word.length] as number);
}

/** Movies per value under the request's filters, the facet's own left out; only matched values are counted. */
function countUnderFilters(index: SegmentIndex, search: FacetSearch, typos: Uint8Array, live: LiveSegment | undefined): Uint32Array {
  const { data } = index;
  const own = search.facet === 'cast' ? data.cast.postings : data.genres.postings;
  // q and what comes with it (phrases, exclusions, the match strategy) are not applied.
  const { q: _q, phrases: _phrases, exclude: _exclude, match: _match, ...filters } = search.query;
  const plan = planQuery(index, filters, { without: search.facet });
  const title = verifier(index, plan, filters);
  const check = live === undefined ? title : liveCheck(live, title);
  const counts = new Uint32Array(typos.length);
  if (plan.filters.length === 0 && check === undefined) {
    for (let id = 0; id < typos.length; id++) if ((typos[id] as number) !== NO_MATCH) counts[id] = postingsLength(own, id);
    return counts;
  }
  const perMovie: Ragged<Uint32Array> = search.facet === 'cast' ? data.movieCast : data.movieGenres;
  const c = cursor(live === undefined ? candidateSet(plan) : liveCandidates(live, plan));
  for (let r = c.seek(0); r !== END; r = c.seek(r + 1)) {
    if (check && !check(r)) continue;
    for (let i = perMovie.offsets[r] as number; i < (perMovie.offsets[r + 1] as number); i++) {
      const id = perMovie.values[i] as number;
      if ((typos[id] as number) !== NO_MATCH) counts[id] = (counts[id] as number) + 1;
    }
  }
  return counts;
}
