import type { CatalogueIndex } from './catalogue-index.js';
import type { CollectionStatistics } from './bm25.js';
import { liveCandidates, liveCount, type LiveSegment } from './live-segments.js';
import type { SegmentSearch } from './merged-counts.js';
import { basePlaces, mergeByPlaces, type BasePlaces } from './base-places.js';
import { mergePages, type SegmentPage } from './page-merge.js';
import { orderedPage, startsAfter, type CatalogueBound } from './ordered-page.js';
import { ALL_SEGMENTS, BASE_ONLY, inMask, type FilterMatch } from './segment-mask.js';
import type { SegmentIndex } from './segment-index.js';
import { estimate, list, type DocSet } from './doc-set.js';
import type { DeltaMatches, SoleDelta } from './delta-matches.js';
import { partitionPoint } from './sorted.js';
import { findDeltaMatches, findDeltaWords, probed } from './delta-finds.js';
import { rankedSlice, wordsAlone, type RankedMatches } from './delta-words.js';
import { facetCounts } from './facets.js';
import { highlight } from './highlight.js';
import { relevancePage, type Found } from './relevance-page.js';
import type { Facets, Highlight, Page, SearchRequest } from './search-request.js';
import { NO_WORDS, titleTerms, type RankCheck, type Plan, type TitleTerms } from './plan.js';
import { atLevel, fewestMissing, hasMatch } from './match-strategy.js';
import { planSegment } from './segment-plan.js';
import type { Synonyms } from './synonyms.js';

/**
 * Answers one page of a request: the movies in the request's order after its cursor, stopping once
 * `limit + 1` are found (the extra one says whether another page exists), then the total, facets
 * and highlights when asked for. No scan of the catalogue: every order walks an index.
 */
export function searchMovies(catalogue: CatalogueIndex, request: SearchRequest): Page {
  const { query } = request;
  const base = catalogue.segments[0] as LiveSegment;
  if (catalogue.single !== undefined) return searchSegment(base, request, catalogue.extractStatistics, catalogue.synonyms);
  // The title's n-grams are found once for every segment the request reads.
  const title = query.title === undefined ? undefined : titleTerms(query.title);
  // Filters alone, over small deltas: what the deltas hold of them is remembered per version, cursor
  // and order aside, and read instead of the masks, the probe and a plan of each delta; and which of the
  // base's superseded movies pass them, so that the base checks none when none does.
  if (query.q === undefined && request.facets.length === 0 && catalogue.deltaMatches.applies) {
    const memo = catalogue.deltaMatches;
    // A filter no delta movie and no superseded base movie holds (delta-terms.ts): the memo would say the base
    // answers alone, unchecked, and it is not read. The unchecked base's own count is then the live count.
    if (catalogue.deltaTerms.excludes(query, title)) {
      return searchSegment(memo.uncheckedBase as LiveSegment, request, catalogue.extractStatistics, catalogue.synonyms, title);
    }
    const known = memo.of(query, () => findDeltaMatches(catalogue, request, title));
    const { baseSuperseded } = known;
    const counted: KnownBase = { unchecked: memo.uncheckedBase as LiveSegment, superseded: baseSuperseded.length };
    // A page in a catalogue or title order leaves the superseded matches out by a bit test inline in its walk (the
    // base's superseded bits, one per rank), not by a check called per member.
    const refused = baseSuperseded.length > 0 && request.sort !== 'relevance' ? base.deadBits : undefined;
    const paged = baseSuperseded.length === 0 || refused !== undefined ? counted.unchecked : base;
    const delta = request.sort === 'year:desc' ? known.sole : undefined;
    return known.mask === BASE_ONLY || delta !== undefined
      ? searchSegment(paged, request, catalogue.extractStatistics, catalogue.synonyms, title, counted, refused, delta)
      : searchSegments(catalogue, request, { mask: known.mask, terms: () => (title === undefined ? {} : { title }) }, title, {
          ranks: known.ranks,
          base: paged,
          counted,
          refused,
        });
  }
  // `q` alone in relevance order, over small deltas: what the deltas hold of its words is remembered per version.
  if (request.sort === 'relevance' && !request.count && request.facets.length === 0 && wordsAlone(query) && catalogue.deltaWords.applies) {
    const known = catalogue.deltaWords.of(query, () => findDeltaWords(catalogue, request));
    if (known.answer !== 'planned') {
      const paged = known.checked ? base : (catalogue.deltaMatches.uncheckedBase as LiveSegment);
      return known.answer === 'base'
        ? searchSegment(paged, request, catalogue.extractStatistics, catalogue.synonyms)
        : searchRanked(catalogue, request, paged, known.deltas);
    }
  }
  const filters = probed(catalogue, query, catalogue.masks.match(query, title));
  // A version whose deltas the query's filters cannot match is answered by its base alone, as one
  // segment: its superseded movies refused by their check. Facets need the whole version's values.
  return request.facets.length === 0 && filters.mask === BASE_ONLY
    ? searchSegment(base, request, catalogue.extractStatistics, catalogue.synonyms, title)
    : searchSegments(catalogue, request, filters, title);
}

/**
 * A page of `q` alone whose words some delta holds in full (delta-words.ts): no answer is partial, the base plans and
 * pages as over no delta (`paged`: checked only when one of its superseded movies is a candidate), and each delta's share is a slice of its
 * ranked matches up to the base page's last key, merged as searchSegments merges the pages it reads.
 */
function searchRanked(
  catalogue: CatalogueIndex,
  request: SearchRequest,
  paged: LiveSegment,
  deltas: readonly (RankedMatches | undefined)[],
): Page {
  const { segments, extractStatistics: statistics, synonyms } = catalogue;
  const base = planSegment(paged, request, { statistics, synonyms });
  const found = relevancePage(base.segment.index, base.plan, base.candidates, base.check, request);
  const pages: SegmentPage[] = [{ segment: base.segment, ranks: found.ranks, relevance: found.relevance }];
  const worst = pageBound(base.segment.index, found.ranks, found.relevance, request)?.key ?? Infinity;
  const { after } = request;
  for (let s = 1; s < segments.length; s++) {
    const matches = deltas[s - 1];
    if (matches === undefined) continue;
    const segment = segments[s] as LiveSegment;
    const from = after && { key: after.relevance ?? -1, rank: segment.index.rankAfter(after.position) };
    pages.push({ segment, ...rankedSlice(matches, request.limit + 1, worst, from) });
  }
  const merged = mergePages(pages, 'relevance', request.limit + 1);
  // Highlights need a delta's plan: made only for a delta with a movie on the page, once however many it has there.
  const planned = new Map<LiveSegment, SegmentSearch>([[segments[0] as LiveSegment, base]]);
  const highlightOf = (rank: number): Highlight => {
    const segment = catalogue.segmentOf(rank);
    let part = planned.get(segment);
    if (part === undefined) planned.set(segment, (part = planSegment(segment, request, { statistics, synonyms })));
    return highlight(segment.index, part.plan.words, rank - segment.docBase, part.plan.extract);
  };
  return answer(request, merged, base.plan, undefined, undefined, highlightOf);
}

/**
 * The base's year:desc page and a delta's known matches after the cursor, merged: the first `limit + 1` (the base's
 * page as it is when no match reaches it).
 */
function deltaMerged(basePage: number[], delta: SoleDelta, request: SearchRequest): number[] {
  const { matches, segment } = delta;
  const { after } = request;
  const start = after ? segment.index.rankAfter(after.position) : 0;
  const from = start === 0 ? 0 : partitionPoint(0, matches.length, (k) => (matches[k] as number) < start);
  return mergeByPlaces(basePage, delta.places, matches, from, segment.docBase, request.limit + 1);
}

/** A delta's share of a request whose filters' matches it already knows: the matches are its candidates, with nothing to check. */
function knownPart(segment: LiveSegment, ranks: Int32Array): SegmentSearch {
  const candidates = list(ranks);
  return { segment, plan: { filters: [candidates], words: NO_WORDS }, candidates, check: undefined, verify: undefined };
}

/**
 * The base's share of filters whose matches the version knows (delta-matches.ts): the base unchecked, and how
 * many of its superseded movies pass the filters. Its count is its unchecked count less those: no check per member.
 */
interface KnownBase {
  readonly unchecked: LiveSegment;
  readonly superseded: number;
}

/** The base's live matches: off its unchecked count when the filters' superseded movies are known. */
function baseCount(segment: LiveSegment, plan: Plan, verify: RankCheck, known: KnownBase | undefined): number {
  return known === undefined ? liveCount(segment, plan, verify) : liveCount(known.unchecked, plan, verify) - known.superseded;
}

/**
 * One segment answering for the version: its ranks are the version's (the base's docBase is 0). With `delta` (filters
 * alone, year:desc), the base and that delta's known matches, which need no plan, page of their own or check.
 */
function searchSegment(
  segment: LiveSegment,
  request: SearchRequest,
  statistics: CollectionStatistics,
  synonyms: Synonyms,
  title?: TitleTerms,
  counted?: KnownBase,
  refused?: Uint32Array,
  delta?: SoleDelta,
): Page {
  const { index } = segment;
  const full = planSegment(segment, request, { statistics, synonyms, ...(title ? { terms: { title } } : {}) });
  const level = partialLevel(request, [full]);
  const plan = level === undefined ? full.plan : atLevel(full.plan, level);
  const candidates = level === undefined ? full.candidates : liveCandidates(segment, plan);
  const { check, verify } = full;
  const own = segmentPage(index, plan, candidates, check, request, undefined, refused);
  const page = delta === undefined ? own : { ranks: deltaMerged(own.ranks, delta, request) };
  const faceted = request.facets.length > 0 ? facetCounts(index, request, plan, candidates, check) : undefined;
  const total = request.count ? (faceted?.total ?? baseCount(segment, plan, verify, counted) + (delta?.matches.length ?? 0)) : undefined;
  return answer(request, page, plan, total, faceted?.facets, (rank) => highlight(index, plan.words, rank, plan.extract));
}

/**
 * A version of several segments: each answers the page on its own, its superseded movies refused
 * like any movie that fails a check, and the pages merge in the request's order (page-merge.ts);
 * totals and facets add up by value (merged-counts.ts). A cursor is a keyset position, so it means
 * the same in every segment, and in the versions published after it. Partial matches are decided
 * over the whole version: every segment answers at the level of the fewest words any live movie misses.
 * A delta whose dictionaries lack one of the query's filters (segment-mask.ts) is not planned at
 * all: most requests match nothing in most deltas, and planning each one is what would cost. With
 * `known` (filters alone, delta-matches.ts), each delta's share is its remembered matches, not a plan, and
 * the base is planned unchecked when none of its superseded movies passes the filters.
 */
function searchSegments(
  catalogue: CatalogueIndex,
  request: SearchRequest,
  filters: FilterMatch,
  title: TitleTerms | undefined,
  known?: {
    readonly ranks: DeltaMatches['ranks'];
    readonly base: LiveSegment;
    readonly counted: KnownBase;
    readonly refused: Uint32Array | undefined;
  },
): Page {
  const statistics = catalogue.extractStatistics;
  const { masks, synonyms } = catalogue;
  const { query } = request;
  const { mask } = filters;
  // Only a delta with a movie matching every word of `q` can hold a full match; the deltas matching
  // some words are planned too only when partial matches are looked for, none matching them all.
  const wordsEvery = query.q === undefined ? ALL_SEGMENTS : masks.words(query.q).every;
  const every = mask & wordsEvery;
  const plan = (s: number): SegmentSearch =>
    known === undefined
      ? planSegment(catalogue.segments[s] as LiveSegment, request, { statistics, synonyms, terms: filters.terms(s) })
      : s > 0
        ? knownPart(catalogue.segments[s] as LiveSegment, known.ranks[s - 1] as Int32Array)
        : planSegment(known.base, request, { statistics, synonyms, terms: filters.terms(0) });
  // A page alone in catalogue order (no total, facets or words) plans its deltas only once the base
  // has its page: a delta whose first movie comes after the base's last shown one adds nothing to it.
  const pageAlone = request.sort === 'year:desc' && query.q === undefined && !request.count && request.facets.length === 0;
  const full: (SegmentSearch | undefined)[] = new Array(catalogue.segments.length);
  let fullMatch = false;
  for (let s = 0; s < full.length; s++) {
    const part = inMask(every, s) && (s === 0 || !pageAlone) ? plan(s) : undefined;
    full[s] = part;
    fullMatch ||= part !== undefined && every !== mask && hasMatch(part.candidates, part.check);
  }
  if (every !== mask && !fullMatch) for (let s = 0; s < full.length; s++) full[s] ??= inMask(mask, s) ? plan(s) : undefined;
  const level = partialLevel(request, full);
  const atLevelOf = (part: SegmentSearch): SegmentSearch => {
    if (level === undefined) return part;
    const plan = atLevel(part.plan, level);
    return { ...part, plan, candidates: liveCandidates(part.segment, plan) };
  };
  const parts = level === undefined ? full : full.map((part) => part && atLevelOf(part));
  // A planned segment whose plan is empty has no page to read either.
  const pages: SegmentPage[] = [];
  let bound: PageBound | undefined;
  // In the year orders a delta's places among the base's ranks bound its page and merge it by integers (base-places.ts).
  const yearOrder = request.sort === 'year:desc' || request.sort === 'year:asc';
  const baseIndex = (catalogue.segments[0] as LiveSegment).index;
  const placesOf = (s: number) => (yearOrder ? basePlaces(baseIndex, (catalogue.segments[s] as LiveSegment).index) : undefined);
  for (let s = 0; s < parts.length; s++) {
    const places = s > 0 ? placesOf(s) : undefined;
    if (pageAlone && s > 0 && inMask(every, s) && !(bound?.last && startsAfter(catalogue.segments[s] as LiveSegment, bound.last, places))) {
      parts[s] = plan(s);
    }
    const part = parts[s];
    if (part === undefined || estimate(part.candidates) === 0) continue;
    const refused = s === 0 ? known?.refused : undefined;
    const { ranks, relevance } = segmentPage(part.segment.index, part.plan, part.candidates, part.check, request, bound, refused, places);
    pages.push({ segment: part.segment, ranks, relevance, places });
    if (part === parts[0]) bound = pageBound(part.segment.index, ranks, relevance, request);
  }
  const merged = mergePages(pages, request.sort, request.limit + 1);
  const counted =
    request.facets.length > 0 ? catalogueCounts(catalogue, request, parts, title, level, wordsEvery, (s) => atLevelOf(plan(s))) : undefined;
  const highlightOf = (rank: number): Highlight => {
    // Segments hold consecutive ranks of the version: the last one starting at or before the rank holds it.
    let s = parts.length - 1;
    while ((catalogue.segments[s] as LiveSegment).docBase > rank) s--;
    const { segment, plan } = parts[s] as SegmentSearch;
    return highlight(segment.index, plan.words, rank - segment.docBase, plan.extract);
  };
  const total = request.count ? (counted?.total ?? totalOf(parts, known?.counted)) : undefined;
  const facets = request.facets.length > 0 ? counted?.facets : undefined;
  return answer(request, merged, (parts[0] as SegmentSearch).plan, total, facets, highlightOf);
}

/** The version's total and facets, added up over its segments by value (merged-counts.ts). */
function catalogueCounts(
  catalogue: CatalogueIndex,
  request: SearchRequest,
  parts: readonly (SegmentSearch | undefined)[],
  title: TitleTerms | undefined,
  level: number | undefined,
  wordsEvery: number,
  planned: (segment: number) => SegmentSearch,
): { total: number; facets: Facets } {
  const { masks } = catalogue;
  return catalogue.counts.facets(
    request,
    parts,
    // Without partial matches, a facet leaving a filter out still finds full matches in those deltas only.
    (without) => masks.of(request.query, without, title) & (level === undefined ? wordsEvery : ALL_SEGMENTS),
    planned,
  );
}

/**
 * The total alone (no facets): each planned segment's live matches, as merged-counts.ts adds them up
 * for the query's own group, without its tallies: a segment not planned holds none.
 */
function totalOf(parts: readonly (SegmentSearch | undefined)[], known: KnownBase | undefined): number {
  let total = 0;
  for (let s = 0; s < parts.length; s++) {
    const part = parts[s];
    if (part !== undefined)
      total += s === 0 ? baseCount(part.segment, part.plan, part.verify, known) : liveCount(part.segment, part.plan, part.verify);
  }
  return total;
}

/**
 * The answer of one page from its `limit + 1` best movies (version ranks, and their keys with
 * sort=relevance), built the same way whether one segment or several found them.
 */
function answer(
  request: SearchRequest,
  found: Found,
  plan: Plan,
  total: number | undefined,
  facets: Facets | undefined,
  highlightOf: (rank: number) => Highlight,
): Page {
  const { limit } = request;
  const hasMore = found.ranks.length > limit;
  const ranks = hasMore ? found.ranks.slice(0, limit) : found.ranks;
  const relevance = found.relevance && hasMore ? found.relevance.slice(0, limit) : found.relevance;
  return {
    ranks,
    ...(relevance ? { relevance } : {}),
    hasMore,
    ...partialOf(plan),
    ...(total !== undefined ? { total } : {}),
    ...(facets ? { facets } : {}),
    ...(request.highlight && plan.words.length > 0 ? { highlights: ranks.map(highlightOf) } : {}),
  };
}

/**
 * One segment's best `limit + 1` movies after the cursor, in the request's order; with a bound, only
 * those that can come before it; without the `refused` ranks (ordered-page.ts), and a delta bounded by its `places`.
 */
function segmentPage(
  index: SegmentIndex,
  plan: Plan,
  candidates: DocSet,
  check: RankCheck,
  request: SearchRequest,
  bound?: PageBound,
  refused?: Uint32Array,
  places?: BasePlaces,
): Found {
  return request.sort === 'relevance'
    ? relevancePage(index, plan, candidates, check, request, bound?.key)
    : orderedPage(index, candidates, check, request, bound?.last, refused, places);
}

/**
 * The last movie the page can show when the base's page is full (it found `limit + 1`): a delta's
 * movie after it cannot be shown, and the base's extra movie already says another page exists, so
 * the deltas stop there instead of each reading a page of its own. The base holds nearly every
 * movie, so a broad filter's deltas then read a few movies or none. Kept for the catalogue order
 * (a range of ranks in every segment) and relevance (a key no delta's movie may exceed).
 */
interface PageBound {
  readonly last?: CatalogueBound;
  readonly key?: number;
}

function pageBound(
  index: SegmentIndex,
  ranks: readonly number[],
  relevance: Found['relevance'],
  request: SearchRequest,
): PageBound | undefined {
  // The page shows `limit` movies; the base's one more already says there are more.
  const shown = request.limit - 1;
  if (ranks.length <= request.limit) return undefined;
  if (request.sort === 'year:desc') return { last: { index, rank: ranks[shown] as number } };
  if (request.sort === 'relevance') return { key: relevance?.[shown] as number };
  return undefined;
}

/**
 * How many words of `q` the answer may miss (match-strategy.ts), or undefined when it must match
 * every word: `match=all`, fewer than two words, some movie of some segment matching them all, or
 * none matching any. Over several segments (undefined for those not planned), the fewest missing
 * over all of them, so that no segment mixes its partial matches into another's fuller ones.
 */
function partialLevel(request: SearchRequest, segments: readonly (SegmentSearch | undefined)[]): number | undefined {
  // The base is always planned.
  const words = (segments[0] as SegmentSearch).plan.words.length;
  if (request.query.match === 'all' || words < 2) return undefined;
  if (segments.some((part) => part !== undefined && hasMatch(part.candidates, part.check))) return undefined;
  let fewest: number | undefined;
  for (const part of segments) {
    if (part === undefined) continue;
    const missing = fewestMissing(part.plan, part.check);
    if (missing !== undefined && (fewest === undefined || missing < fewest)) fewest = missing;
  }
  return fewest;
}

/** What the page says of partial matches, when it holds them. */
function partialOf(plan: Plan): Pick<Page, 'partial'> {
  return plan.partial ? { partial: { words: plan.partial.words, matched: plan.partial.words - plan.partial.missing } } : {};
}
