import type { SegmentIndex } from './segment-index.js';
import { count, cursor, END, type DocSet } from './doc-set.js';
import { postingsLength } from './index-data.js';
import type { FacetName, Facets, FacetValue, SearchRequest } from './search-request.js';
import { candidateSet, planQuery, verifier, withPartial, type RankCheck, type Plan } from './plan.js';
import { compareCodePoints, stringAt } from './string-table.js';

/**
 * Exact facet counts over every match of the query (not the page), each facet ignoring its own
 * filter: the genre facet ignores `genre`, cast ignores `cast`, year and decade ignore `year`,
 * `year_from` and `year_to`. Facets that ignore the same filters share one pass over their matches;
 * the unfiltered catalogue's counts are read off the index without a pass.
 */
export function facetCounts(
  index: SegmentIndex,
  request: SearchRequest,
  plan: Plan,
  candidates: DocSet,
  check: RankCheck,
): { total: number; facets: Facets } {
  const { query } = request;
  const facets: Facets = {};
  let total = 0;
  for (const [key, names] of facetGroups(request)) {
    const own = key === 'none' ? plan : withPartial(planQuery(index, query, { without: key, planned: plan.words }), plan);
    const set = key === 'none' ? candidates : candidateSet(own);
    const counts = countMatches(index, set, key === 'none' ? check : verifier(index, own, query), names, own);
    if (key === 'none') total = counts.matches;
    for (const name of names) facets[name] = present(index, name, counts, request.facetLimit);
  }
  return { total, facets };
}

/** The filter a group of facets leaves out of the query; 'none' counts the query as it is. */
export type FacetGroup = 'genre' | 'cast' | 'year' | 'none';

/**
 * The facets asked for, grouped by the filter each ignores, so that facets ignoring the same ones
 * share a pass. The unfiltered group is there when it has facets or the total is asked for.
 */
export function facetGroups(request: SearchRequest): Map<FacetGroup, FacetName[]> {
  const { query } = request;
  const excluded = (facet: FacetName): FacetGroup => {
    if (facet === 'genre' && query.genres.length > 0) return 'genre';
    if (facet === 'cast' && query.cast.length > 0) return 'cast';
    if (
      (facet === 'year' || facet === 'decade') &&
      (query.year !== undefined || query.yearFrom !== undefined || query.yearTo !== undefined)
    )
      return 'year';
    return 'none';
  };
  const groups = new Map<FacetGroup, FacetName[]>(request.count ? [['none', []]] : []);
  for (const facet of request.facets) {
    const key = excluded(facet);
    groups.set(key, [...(groups.get(key) ?? []), facet]);
  }
  return groups;
}

export interface Counts {
  readonly matches: number;
  readonly genre?: Uint32Array;
  /** Cast term id → movies, for the names counted. */
  readonly cast?: Map<number, number>;
  /** By year index (IndexData.yearValues). */
  readonly year?: Uint32Array;
}

/** Counts the matches, and per facet value, in one pass; or off the index when every movie matches. */
export function countMatches(index: SegmentIndex, set: DocSet, check: RankCheck, names: readonly FacetName[], plan: Plan): Counts {
  const { data } = index;
  const wantGenre = names.includes('genre');
  const wantCast = names.includes('cast');
  const wantYear = names.includes('year') || names.includes('decade');
  // Every movie matches: no filter, or only a year span that covers the whole catalogue.
  const everything =
    plan.words.length === 0 && check === undefined && plan.filters.every((f) => f.kind === 'range' && f.lo === 0 && f.hi >= data.size);
  if (everything) {
    const genre = wantGenre
      ? Uint32Array.from({ length: data.genres.postings.offsets.length - 1 }, (_, id) => postingsLength(data.genres.postings, id))
      : undefined;
    const cast = wantCast ? new Map([...data.castByCount].map((id) => [id, postingsLength(data.cast.postings, id)])) : undefined;
    const year = wantYear
      ? Uint32Array.from({ length: data.yearValues.length }, (_, y) => (data.yearStarts[y + 1] as number) - (data.yearStarts[y] as number))
      : undefined;
    return { matches: data.size, ...(genre ? { genre } : {}), ...(cast ? { cast } : {}), ...(year ? { year } : {}) };
  }
  if (!wantGenre && !wantCast && !wantYear && check === undefined) return { matches: count(set) };
  const genre = wantGenre ? new Uint32Array(data.genres.postings.offsets.length - 1) : undefined;
  // A count per cast name, and the names touched, so that only those are read back.
  const castCounts = wantCast ? new Uint32Array(data.cast.postings.offsets.length - 1) : undefined;
  const touched: number[] = [];
  const year = wantYear ? new Uint32Array(data.yearValues.length) : undefined;
  const { movieGenres, movieCast, yearStarts } = data;
  let yearIndex = 0;
  let matches = 0;
  const c = cursor(set);
  for (let r = c.seek(0); r !== END; r = c.seek(r + 1)) {
    if (check && !check(r)) continue;
    matches++;
    if (genre) {
      for (let i = movieGenres.offsets[r] as number; i < (movieGenres.offsets[r + 1] as number); i++) {
        const id = movieGenres.values[i] as number;
        genre[id] = (genre[id] as number) + 1;
      }
    }
    if (castCounts) {
      for (let i = movieCast.offsets[r] as number; i < (movieCast.offsets[r + 1] as number); i++) {
        const id = movieCast.values[i] as number;
        if (castCounts[id] === 0) touched.push(id);
        castCounts[id] = (castCounts[id] as number) + 1;
      }
    }
    if (year) {
      // Ranks ascend, so the year index only moves forward.
      while (r >= (yearStarts[yearIndex + 1] as number)) yearIndex++;
      year[yearIndex] = (year[yearIndex] as number) + 1;
    }
  }
  const cast = castCounts ? new Map(touched.map((id) => [id, castCounts[id] as number])) : undefined;
  return { matches, ...(genre ? { genre } : {}), ...(cast ? { cast } : {}), ...(year ? { year } : {}) };
}

/** A facet's values as answered: by count then value, at most `limit` (years and decades: see busiestInOrder). */
function present(index: SegmentIndex, name: FacetName, counts: Counts, limit: number): FacetValue[] {
  const { data } = index;
  const byCount = (values: FacetValue[]): FacetValue[] => busiestFirst(values, limit);
  switch (name) {
    case 'genre': {
      const values: FacetValue[] = [];
      counts.genre?.forEach((n, id) => n > 0 && values.push({ value: stringAt(data.genreNames, id), count: n }));
      return byCount(values);
    }
    case 'cast': {
      const entries = [...(counts.cast ?? new Map<number, number>())].filter(([, n]) => n > 0);
      // Only names that can make the cut need their spelling decoded: those counted at least as often as the limit-th.
      const threshold = kthLargest(
        entries.map(([, n]) => n),
        limit,
      );
      return byCount(entries.filter(([, n]) => n >= threshold).map(([id, n]) => ({ value: stringAt(data.castNames, id), count: n })));
    }
    case 'year': {
      const values: FacetValue[] = [];
      counts.year?.forEach((n, y) => n > 0 && values.push({ value: data.yearValues[y] as number, count: n }));
      return busiestInOrder(values, limit);
    }
    case 'decade': {
      const decades = new Map<number, number>();
      counts.year?.forEach((n, y) => {
        if (n === 0) return;
        const decade = Math.floor((data.yearValues[y] as number) / 10) * 10;
        decades.set(decade, (decades.get(decade) ?? 0) + n);
      });
      return busiestInOrder(
        [...decades].map(([value, n]) => ({ value, count: n })),
        limit,
      );
    }
  }
}

/** Genres and cast names: the `limit` values with the most matches, then by value in code point order. */
export function busiestFirst(values: FacetValue[], limit: number): FacetValue[] {
  return values.sort((a, b) => b.count - a.count || compareCodePoints(String(a.value), String(b.value))).slice(0, limit);
}

/**
 * Years and decades: the `limit` values with the most matches (the later on a tie), shown in time
 * order. The first `limit` in time order would show 1900–1919 for anything, and hide the years a
 * search mostly falls in.
 */
export function busiestInOrder(values: FacetValue[], limit: number): FacetValue[] {
  return values
    .sort((a, b) => b.count - a.count || (b.value as number) - (a.value as number))
    .slice(0, limit)
    .sort((a, b) => (a.value as number) - (b.value as number));
}

/** The k-th largest of small counts, by a histogram rather than a sort. */
export function kthLargest(values: readonly number[], k: number): number {
  if (values.length <= k) return 0;
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const histogram = new Uint32Array(max + 1);
  for (const v of values) histogram[v] = (histogram[v] as number) + 1;
  let seen = 0;
  for (let v = max; v > 0; v--) {
    seen += histogram[v] as number;
    if (seen >= k) return v;
  }
  return 0;
}
