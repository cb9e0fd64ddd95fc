import type { Movie } from '../catalogue/movie.js';
import { normaliseText } from '../catalogue/normalise.js';
import type { DocSet } from './doc-set.js';
import { busiestFirst, busiestInOrder, countMatches, facetGroups, kthLargest, type Counts, type FacetGroup } from './facets.js';
import { postingsLength, postingsOf, type Ragged, type StringTable, type TermTable } from './index-data.js';
import { MAX_FACET_LIMIT } from './limits.js';
import { liveCandidates, liveCheck, liveCount, type LiveSegment } from './live-segments.js';
import { planQuery, verifier, withPartial, type Plan, type RankCheck } from './plan.js';
import type { FacetName, Facets, FacetValue, MovieQuery, SearchRequest } from './search-request.js';
import type { GenreCount, SegmentIndex } from './segment-index.js';
import { inMask } from './segment-mask.js';
import { compareCodePoints, lookup, stringAt, tableSize } from './string-table.js';

/** One segment's share of a search: its plan, its candidates, and what a candidate must also pass (live, and the title). */
export interface SegmentSearch {
  readonly segment: LiveSegment;
  readonly plan: Plan;
  readonly candidates: DocSet;
  readonly check: RankCheck;
  /** The segment's own check (the title, phrases, exclusions), superseded movies aside. */
  readonly verify: RankCheck;
}

/** The facets whose values are terms: a segment names them by its own term ids. */
type TermKind = 'genre' | 'cast';

const termsOf = (index: SegmentIndex, kind: TermKind): TermTable => (kind === 'genre' ? index.data.genres : index.data.cast);
const namesOf = (index: SegmentIndex, kind: TermKind): StringTable => (kind === 'genre' ? index.data.genreNames : index.data.castNames);
const perMovie = (index: SegmentIndex, kind: TermKind): Ragged<Uint32Array> =>
  kind === 'genre' ? index.data.movieGenres : index.data.movieCast;
const spellingsOf = (movie: Movie, kind: TermKind): readonly string[] => (kind === 'genre' ? movie.genres : movie.cast);

/**
 * Counts per term over every segment: by the base's term id where the base has the term (most
 * terms, and no string to decode), by the normalised term otherwise. Terms are merged by value, as
 * one segment built from the live movies would hold them.
 */
class TermTally {
  home = new Map<number, number>();
  readonly extra = new Map<string, number>();
}

interface Tally {
  matches: number;
  readonly genre?: TermTally;
  readonly cast?: TermTally;
  /** Matches by year. */
  readonly year?: Map<number, number>;
}

/** How each segment spelled each term it holds, superseded movies included: shared by every version that lists the segment. */
const segmentSpellings = new WeakMap<SegmentIndex, Map<string, Map<string, number>>>();

/**
 * Totals and facets over the segments of one version, as one segment built from the live movies
 * would count them. What depends on the whole version (the unfiltered counts, which values the
 * deltas or superseded movies touch, each value's display spelling) is worked out once, on first
 * use, in proportion to the deltas where it can be; the segments' own precomputed counts are read,
 * less their superseded movies.
 */
export class MergedCounts {
  /** Per term kind and segment: each of the segment's term ids as the base's id, or -1. */
  private readonly homeIds = new Map<string, Int32Array>();
  /** Per term kind: the base's terms whose counts or spellings a delta or a superseded movie changes. */
  private readonly touchedMemo = new Map<TermKind, Uint8Array>();
  private readonly displayMemo = new Map<string, string>();
  private everythingMemo: Tally | undefined;
  private genreCountsMemo: readonly GenreCount[] | undefined;

  constructor(private readonly segments: readonly LiveSegment[]) {}

  /**
   * The total and the facets of a request, from each segment's share of it: undefined for a segment
   * the query cannot match (segment-mask.ts). A facet that leaves a filter out may match such a
   * segment (`maskOf` says which it can): `planned` then plans it in full, as the search would have.
   */
  facets(
    request: SearchRequest,
    parts: readonly (SegmentSearch | undefined)[],
    maskOf: (without: FacetName | undefined) => number,
    planned: (segment: number) => SegmentSearch,
  ): { total: number; facets: Facets } {
    const facets: Facets = {};
    let total = 0;
    for (const [key, names] of facetGroups(request)) {
      const tally = unconstrained(request.query, key)
        ? this.everything()
        : this.tally(request.query, key, names, key === 'none' ? parts : this.partsWithout(key, parts, maskOf, planned));
      if (key === 'none') total = tally.matches;
      for (const name of names) facets[name] = this.present(name, tally, request.facetLimit);
    }
    return { total, facets };
  }

  /** Every genre and its number of live movies, most first, then by name (SegmentIndex.genreCounts). */
  genreCounts(): readonly GenreCount[] {
    if (this.genreCountsMemo === undefined) {
      const counts = this.values('genre', this.everything().genre as TermTally, 0).map(({ value, count }) => ({
        genre: value as string,
        count,
      }));
      counts.sort((a, b) => b.count - a.count || (a.genre < b.genre ? -1 : a.genre > b.genre ? 1 : 0));
      this.genreCountsMemo = counts;
    }
    return this.genreCountsMemo;
  }

  /** The segments a facet leaving out `key` can match, each with its share of the full query. */
  private partsWithout(
    key: FacetGroup,
    parts: readonly (SegmentSearch | undefined)[],
    maskOf: (without: FacetName | undefined) => number,
    planned: (segment: number) => SegmentSearch,
  ): (SegmentSearch | undefined)[] {
    const mask = maskOf(key === 'none' ? undefined : key);
    return parts.map((part, s) => (inMask(mask, s) ? (part ?? planned(s)) : undefined));
  }

  private tally(query: MovieQuery, key: FacetGroup, names: readonly FacetName[], parts: readonly (SegmentSearch | undefined)[]): Tally {
    const out = emptyTally(names);
    parts.forEach((part, s) => {
      if (part === undefined) return;
      const { segment, plan, candidates, check, verify } = part;
      // The total alone (names are only empty for the query's own group): counted without a pass where the sets allow.
      if (names.length === 0) {
        out.matches += liveCount(segment, plan, verify);
        return;
      }
      const own = key === 'none' ? plan : withPartial(planQuery(segment.index, query, { without: key, planned: plan.words }), plan);
      const set = key === 'none' ? candidates : liveCandidates(segment, own);
      const ownCheck = key === 'none' ? check : liveCheck(segment, verifier(segment.index, own, query));
      this.add(out, s, countMatches(segment.index, set, ownCheck, names, own));
    });
    return out;
  }

  private add(out: Tally, s: number, counts: Counts): void {
    out.matches += counts.matches;
    const { genre, cast, year } = counts;
    if (out.genre && genre) genre.forEach((n, id) => n > 0 && this.addTerm(out.genre as TermTally, 'genre', s, id, n));
    if (out.cast && cast) {
      // The base's ids are the home ids, and its counts a map of their own (countMatches): taken as they are,
      // not re-added name by name (a broad query's matches have thousands of names).
      if (s === 0 && out.cast.home.size === 0) out.cast.home = cast;
      else for (const [id, n] of cast) this.addTerm(out.cast, 'cast', s, id, n);
    }
    if (out.year && year) {
      const { yearValues } = (this.segments[s] as LiveSegment).index.data;
      year.forEach((n, y) => n > 0 && addTo(out.year as Map<number, number>, yearValues[y] as number, n));
    }
  }

  private addTerm(tally: TermTally, kind: TermKind, s: number, id: number, n: number): void {
    const home = this.homeId(kind, s, id);
    if (home >= 0) addTo(tally.home, home, n);
    else addTo(tally.extra, stringAt(termsOf((this.segments[s] as LiveSegment).index, kind).terms, id), n);
  }

  /** Term `id` of segment `s` as the base's term id, or -1 when the base does not have it. */
  private homeId(kind: TermKind, s: number, id: number): number {
    if (s === 0) return id;
    const key = `${kind}${s}`;
    let ids = this.homeIds.get(key);
    if (ids === undefined) {
      const { terms } = termsOf((this.segments[s] as LiveSegment).index, kind);
      const home = termsOf((this.segments[0] as LiveSegment).index, kind).terms;
      ids = Int32Array.from({ length: tableSize(terms) }, (_, i) =>
        lookup(home, terms.bytes.subarray(terms.offsets[i], terms.offsets[i + 1])),
      );
      this.homeIds.set(key, ids);
    }
    return ids[id] as number;
  }

  /**
   * The counts of the catalogue with no filter: each segment's precomputed counts less its
   * superseded movies. The cast keeps only the MAX_FACET_LIMIT busiest names, as the base's
   * castByCount does; see castLeaders.
   */
  private everything(): Tally {
    if (this.everythingMemo !== undefined) return this.everythingMemo;
    const tally: Tally = { matches: 0, genre: new TermTally(), cast: new TermTally(), year: new Map() };
    this.segments.forEach(({ index, dead }, s) => {
      const { data } = index;
      tally.matches += index.size - dead.length;
      const genre = Uint32Array.from({ length: tableSize(data.genres.terms) }, (_, id) => postingsLength(data.genres.postings, id));
      for (const rank of dead) forEachTerm(data.movieGenres, rank, (id) => (genre[id] = (genre[id] as number) - 1));
      genre.forEach((n, id) => n > 0 && this.addTerm(tally.genre as TermTally, 'genre', s, id, n));
      const { yearValues, yearStarts } = data;
      for (let y = 0; y < yearValues.length; y++)
        addTo(tally.year as Map<number, number>, yearValues[y] as number, (yearStarts[y + 1] as number) - (yearStarts[y] as number));
      for (const rank of dead) addTo(tally.year as Map<number, number>, data.years[rank] as number, -1);
    });
    this.castLeaders(tally.cast as TermTally);
    this.everythingMemo = tally;
    return tally;
  }

  /**
   * The MAX_FACET_LIMIT busiest cast names of the live catalogue, without counting every name of
   * the base: the candidates are the base's own busiest (castByCount), the names of its superseded
   * movies and every name of the deltas. A base name outside those keeps its base count, which is
   * no more than the base's last busiest name's, and comes after that name in the base's order (its
   * spelling unchanged too); once enough candidates come no later than that name, none can enter.
   * Otherwise (superseded movies took the busiest names down far enough) every base name is counted.
   */
  private castLeaders(tally: TermTally): void {
    const base = this.segments[0] as LiveSegment;
    const { data } = base.index;
    const baseCount = (id: number) => postingsLength(data.cast.postings, id);
    const candidates = new Set<number>(data.castByCount);
    for (const rank of base.dead) forEachTerm(data.movieCast, rank, (id) => candidates.add(id));
    for (let s = 1; s < this.segments.length; s++) {
      for (let id = 0; id < tableSize((this.segments[s] as LiveSegment).index.data.cast.terms); id++) {
        const home = this.homeId('cast', s, id);
        if (home >= 0) candidates.add(home);
      }
    }
    for (const id of candidates) tally.home.set(id, baseCount(id));
    for (const rank of base.dead) forEachTerm(data.movieCast, rank, (id) => addTo(tally.home, id, -1));
    for (let s = 1; s < this.segments.length; s++) {
      const { index, dead } = this.segments[s] as LiveSegment;
      const live = Uint32Array.from({ length: tableSize(index.data.cast.terms) }, (_, id) => postingsLength(index.data.cast.postings, id));
      for (const rank of dead) forEachTerm(index.data.movieCast, rank, (id) => (live[id] = (live[id] as number) - 1));
      live.forEach((n, id) => n > 0 && this.addTerm(tally, 'cast', s, id, n));
    }
    const last = data.castByCount[data.castByCount.length - 1];
    if (last !== undefined && tableSize(data.cast.terms) > data.castByCount.length) {
      const lastCount = baseCount(last);
      const lastName = stringAt(data.castNames, last);
      const atOrBefore = this.values('cast', tally, lastCount).filter(
        ({ value, count }) => count > lastCount || compareCodePoints(value as string, lastName) <= 0,
      ).length;
      if (atOrBefore < MAX_FACET_LIMIT) {
        for (let id = 0; id < tableSize(data.cast.terms); id++) if (!tally.home.has(id)) tally.home.set(id, baseCount(id));
      }
    }
    // Only the leaders (and names tied with the last) stay: what a request reads is then as small as castByCount.
    const least = Math.max(1, kthLargest(counted(tally), MAX_FACET_LIMIT));
    for (const [id, n] of tally.home) if (n < least) tally.home.delete(id);
    for (const [term, n] of tally.extra) if (n < least) tally.extra.delete(term);
  }

  /** A facet's values as answered (facets.ts, present), the values merged across segments. */
  private present(name: FacetName, tally: Tally, limit: number): FacetValue[] {
    switch (name) {
      case 'genre':
        return busiestFirst(this.values('genre', tally.genre as TermTally, 0), limit);
      case 'cast': {
        const cast = tally.cast as TermTally;
        // Only names that can make the cut need their spelling: those counted at least as often as the limit-th.
        return busiestFirst(this.values('cast', cast, kthLargest(counted(cast), limit)), limit);
      }
      case 'year':
        return busiestInOrder(
          [...(tally.year ?? [])].filter(([, n]) => n > 0).map(([value, count]) => ({ value, count })),
          limit,
        );
      case 'decade': {
        const decades = new Map<number, number>();
        for (const [year, n] of tally.year ?? []) if (n > 0) addTo(decades, Math.floor(year / 10) * 10, n);
        return busiestInOrder(
          [...decades].map(([value, count]) => ({ value, count })),
          limit,
        );
      }
    }
  }

  /** The terms counted at least `atLeast` times (and at least once), with their display spellings. */
  private values(kind: TermKind, tally: TermTally, atLeast: number): FacetValue[] {
    const out: FacetValue[] = [];
    const least = Math.max(1, atLeast);
    for (const [id, count] of tally.home) if (count >= least) out.push({ value: this.displayOfHome(kind, id), count });
    for (const [term, count] of tally.extra) if (count >= least) out.push({ value: this.display(kind, term), count });
    return out;
  }

  /** The base's spelling, unless a delta or a superseded movie may change it. */
  private displayOfHome(kind: TermKind, id: number): string {
    const base = (this.segments[0] as LiveSegment).index;
    if (this.touched(kind)[id] !== 1) return stringAt(namesOf(base, kind), id);
    return this.display(kind, stringAt(termsOf(base, kind).terms, id));
  }

  private touched(kind: TermKind): Uint8Array {
    let touched = this.touchedMemo.get(kind);
    if (touched === undefined) {
      const base = this.segments[0] as LiveSegment;
      const marks = new Uint8Array(tableSize(termsOf(base.index, kind).terms));
      const mark = (id: number) => (marks[id] = 1);
      for (const rank of base.dead) forEachTerm(perMovie(base.index, kind), rank, mark);
      for (let s = 1; s < this.segments.length; s++) {
        for (let id = 0; id < tableSize(termsOf((this.segments[s] as LiveSegment).index, kind).terms); id++) {
          const home = this.homeId(kind, s, id);
          if (home >= 0) mark(home);
        }
      }
      this.touchedMemo.set(kind, marks);
      touched = marks;
    }
    return touched;
  }

  /** A term's display spelling over the live movies: for facet-value search (facet-search.ts). */
  displayOf(kind: TermKind, term: string): string {
    return this.display(kind, term);
  }

  /**
   * How the live movies most often spell a term (ties: the smaller in code point order), as the
   * build picks it (build/spellings.ts): each segment's spellings, less its superseded movies'.
   */
  private display(kind: TermKind, term: string): string {
    const key = `${kind}\u0000${term}`;
    const known = this.displayMemo.get(key);
    if (known !== undefined) return known;
    const tally = new Map<string, number>();
    for (const { index, deadBits, dead } of this.segments) {
      const id = lookup(termsOf(index, kind).terms, term);
      if (id < 0) continue;
      for (const [spelling, n] of spellingsInSegment(index, kind, id, term)) addTo(tally, spelling, n);
      if (deadBits === undefined) continue;
      for (const rank of dead) {
        let has = false;
        forEachTerm(perMovie(index, kind), rank, (t) => (has ||= t === id));
        if (!has) continue;
        for (const spelling of spellingsOf(index.movie(rank), kind)) if (normaliseText(spelling) === term) addTo(tally, spelling, -1);
      }
    }
    let best = term;
    let bestCount = 0;
    for (const [spelling, n] of tally) {
      if (n > bestCount || (n === bestCount && n > 0 && compareCodePoints(spelling, best) < 0)) {
        best = spelling;
        bestCount = n;
      }
    }
    this.displayMemo.set(key, best);
    return best;
  }
}

/** How the movies of a segment that have term `id` spell it, superseded ones included: read once per segment and term. */
function spellingsInSegment(index: SegmentIndex, kind: TermKind, id: number, term: string): Map<string, number> {
  let memo = segmentSpellings.get(index);
  if (memo === undefined) {
    memo = new Map();
    segmentSpellings.set(index, memo);
  }
  const key = `${kind}${id}`;
  let spellings = memo.get(key);
  if (spellings === undefined) {
    spellings = new Map();
    const ranks = postingsOf(termsOf(index, kind).postings, id);
    for (let i = 0; i < ranks.length; i++) {
      for (const spelling of spellingsOf(index.movie(ranks[i] as number), kind))
        if (normaliseText(spelling) === term) addTo(spellings, spelling, 1);
    }
    memo.set(key, spellings);
  }
  return spellings;
}

/**
 * Whether every movie of the catalogue is in the group's count: no word, no title, and no filter
 * but the one the group leaves out. Then the precomputed counts answer without a pass.
 */
function unconstrained(query: MovieQuery, key: FacetGroup): boolean {
  return (
    (query.q === undefined || query.q.length === 0) &&
    query.exclude === undefined &&
    query.title === undefined &&
    (key === 'cast' || query.cast.length === 0) &&
    (key === 'genre' || query.genres.length === 0) &&
    (key === 'year' || (query.year === undefined && query.yearFrom === undefined && query.yearTo === undefined))
  );
}

function emptyTally(names: readonly FacetName[]): Tally {
  return {
    matches: 0,
    ...(names.includes('genre') ? { genre: new TermTally() } : {}),
    ...(names.includes('cast') ? { cast: new TermTally() } : {}),
    ...(names.includes('year') || names.includes('decade') ? { year: new Map<number, number>() } : {}),
  };
}

function counted(tally: TermTally): number[] {
  return [...tally.home.values(), ...tally.extra.values()].filter((n) => n > 0);
}

function forEachTerm(ragged: Ragged<Uint32Array>, rank: number, visit: (id: number) => void): void {
  for (let i = ragged.offsets[rank] as number; i < (ragged.offsets[rank + 1] as number); i++) visit(ragged.values[i] as number);
}

function addTo<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}
