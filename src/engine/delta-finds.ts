/**
 * What a version's small deltas hold of a request, found once per filter set (delta-matches.ts) or set of words
 * (delta-words.ts) and remembered by the version, and the probe that leaves out the deltas a request's filters cannot
 * match: search.ts reads these instead of planning each delta per request.
 */
import { hasBit } from './bits.js';
import type { CatalogueIndex } from './catalogue-index.js';
import { basePlaces } from './base-places.js';
import { deltaMatches, type DeltaMatches, type SoleDelta } from './delta-matches.js';
import type { DeltaWords, RankedMatches } from './delta-words.js';
import { collect, cursor, estimate } from './doc-set.js';
import { filtersMayMatch } from './filter-probe.js';
import type { LiveSegment } from './live-segments.js';
import { hasMatch } from './match-strategy.js';
import type { SegmentSearch } from './merged-counts.js';
import type { TitleTerms } from './plan.js';
import { relevancePage } from './relevance-page.js';
import type { SearchRequest } from './search-request.js';
import { ALL_SEGMENTS, BASE_ONLY, inMask, type FilterMatch } from './segment-mask.js';
import { planSegment } from './segment-plan.js';

/**
 * The masks' segments (segment-mask.ts) less the deltas no movie of which passes the query's
 * filters (filter-probe.ts): each holds every term, but about half of those the bench's filters let
 * through hold no movie with them all, and a delta planned for nothing costs a plan, cursors and an
 * empty page. Not with words: their levels of partial matches are decided over every planned segment.
 */
export function probed(catalogue: CatalogueIndex, query: SearchRequest['query'], filters: FilterMatch): FilterMatch {
  let { mask } = filters;
  if (mask === ALL_SEGMENTS || mask === BASE_ONLY || (query.q !== undefined && query.q.length > 0)) return filters;
  for (let s = 1; s < catalogue.segments.length; s++) {
    const ids = inMask(mask, s) ? filters.terms(s).ids : undefined;
    if (ids !== undefined && !filtersMayMatch((catalogue.segments[s] as LiveSegment).index, query, ids)) mask &= ~(1 << s);
  }
  return mask === filters.mask ? filters : { mask, terms: filters.terms };
}

/**
 * Each delta's live movies passing the request's filters (delta-matches.ts), read out of the plan the
 * request would have made of it: the deltas the masks and the probe leave out hold none.
 */
export function findDeltaMatches(catalogue: CatalogueIndex, request: SearchRequest, title: TitleTerms | undefined): DeltaMatches {
  const filters = probed(catalogue, request.query, catalogue.masks.match(request.query, title));
  const { segments, extractStatistics: statistics, synonyms } = catalogue;
  const found: Int32Array[] = [];
  // The deltas holding matches: the one, when only one does, is found with its places here, once per filter set.
  let holding = 0;
  let last = 0;
  for (let s = 1; s < segments.length; s++) {
    const segment = segments[s] as LiveSegment;
    if (!inMask(filters.mask, s)) found.push(NO_MATCHES);
    else found.push(liveMembers(planSegment(segment, request, { statistics, synonyms, terms: filters.terms(s) })));
    if ((found[s - 1] as Int32Array).length > 0) {
      holding++;
      last = s;
    }
  }
  const base = segments[0] as LiveSegment;
  const unchecked = planSegment(catalogue.deltaMatches.uncheckedBase as LiveSegment, request, {
    statistics,
    synonyms,
    ...(title ? { terms: { title } } : {}),
  });
  return deltaMatches(found, supersededMatches(base, unchecked), holding === 1 ? soleDelta(segments, last, found) : undefined);
}

/** Delta s as the one holding the matches, with its places in the base (undefined past basePlaces' bound: titles decide then). */
function soleDelta(segments: readonly LiveSegment[], s: number, found: readonly Int32Array[]): SoleDelta | undefined {
  const segment = segments[s] as LiveSegment;
  const places = basePlaces((segments[0] as LiveSegment).index, segment.index);
  return places && { segment, matches: found[s - 1] as Int32Array, places: places.ranks };
}

/**
 * What the deltas hold of a request's words (delta-words.ts): each delta the masks say may hold a movie matching every
 * word is planned, and its live matches ranked whole (a page as long as the delta); when none holds one, whether the
 * base does. Asked only without filters, so the base's plan is the request's own.
 */
export function findDeltaWords(catalogue: CatalogueIndex, request: SearchRequest): DeltaWords {
  const { segments, extractStatistics: statistics, synonyms } = catalogue;
  const every = catalogue.masks.words(request.query.q ?? []).every;
  const deltas: (RankedMatches | undefined)[] = [];
  let held = false;
  for (let s = 1; s < segments.length; s++) {
    const part = inMask(every, s) ? planSegment(segments[s] as LiveSegment, request, { statistics, synonyms }) : undefined;
    const ranked = part && hasMatch(part.candidates, part.check) ? rankedMatches(part, request) : undefined;
    held ||= ranked !== undefined;
    deltas.push(ranked?.ranks.length === 0 ? undefined : ranked);
  }
  const base = segments[0] as LiveSegment;
  const unchecked = planSegment(catalogue.deltaMatches.uncheckedBase as LiveSegment, request, { statistics, synonyms });
  // Whether one is among the candidates is all the answer needs: the first found settles it.
  const checked = supersededMatches(base, unchecked, 1).length > 0;
  if (held) return { answer: 'ranked', deltas, checked };
  const part = checked ? planSegment(base, request, { statistics, synonyms }) : unchecked;
  return hasMatch(part.candidates, part.check) ? { answer: 'base', checked } : { answer: 'planned' };
}

/** Every live movie of a planned segment in relevance order: its page as long as the segment, from the start. */
function rankedMatches(part: SegmentSearch, request: SearchRequest): RankedMatches {
  const { index } = part.segment;
  const whole: SearchRequest = { ...request, limit: index.size, after: undefined };
  const { ranks, relevance } = relevancePage(index, part.plan, part.candidates, part.check, whole);
  return { keys: Float64Array.from(relevance ?? []), ranks: Int32Array.from(ranks) };
}

/**
 * Which of a segment's superseded movies an unchecked plan of it lets through, looked for from the smaller side:
 * each candidate against the superseded bits, or each superseded movie sought among the candidates (965 seeks
 * for every new filter set over the bench's 20 deltas, most of them for a set of a few movies).
 */
function supersededMatches(segment: LiveSegment, part: SegmentSearch, most = Infinity): Int32Array {
  const { dead, deadBits } = segment;
  if (deadBits === undefined) return NO_MATCHES;
  const out: number[] = [];
  const passes = (rank: number) => !part.check || part.check(rank);
  const c = cursor(part.candidates);
  if (estimate(part.candidates) < dead.length) {
    for (let r = c.seek(0); r < segment.index.size && out.length < most; r = c.seek(r + 1)) {
      if (hasBit(deadBits, r) && passes(r)) out.push(r);
    }
  } else {
    for (let i = 0; i < dead.length && out.length < most; i++) {
      const rank = dead[i] as number;
      if (c.seek(rank) === rank && passes(rank)) out.push(rank);
    }
  }
  return Int32Array.from(out);
}

const NO_MATCHES = new Int32Array(0);

/** A planned segment's candidates that pass its checks, ascending. */
function liveMembers(part: SegmentSearch): Int32Array {
  const out: number[] = [];
  collect(part.candidates, 0, part.segment.index.size, Infinity, part.check, out);
  return Int32Array.from(out);
}
