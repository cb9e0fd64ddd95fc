import { normaliseText } from '../catalogue/normalise.js';
import { RECORD_LIMITS } from '../catalogue/validate.js';
import { MAX_FACET_LIMIT, MAX_Q_WORDS } from '../engine/limits.js';
import { MATCH_STRATEGIES } from '../engine/match-strategy.js';
import {
  FACETS,
  SORT_ORDERS,
  type After,
  type FacetName,
  type MovieQuery,
  type SearchRequest,
  type SortOrder,
} from '../engine/search-request.js';
import { QueryError } from '../errors/errors.js';
import { parseQText } from './q-text.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** More names than this in one query is not a real search, and each one costs an intersection. */
export const MAX_TERMS = 10;
export const MAX_Q_LENGTH = 500;
export const DEFAULT_FACET_LIMIT = 20;
const YEAR_DIGITS = 4;
/** A year has at most four digits: a fifth is a typo, refused rather than searched for. */
export const MAX_YEAR = 10 ** YEAR_DIGITS - 1;

export const PARAMETERS = [
  'q',
  'title',
  'year',
  'year_from',
  'year_to',
  'cast',
  'genre',
  'sort',
  'facets',
  'facet_limit',
  'count',
  'highlight',
  'match',
  'limit',
  'cursor',
] as const;
type Parameter = (typeof PARAMETERS)[number];
const REPEATABLE: ReadonlySet<Parameter> = new Set(['cast', 'genre']);
const INTEGER = /^[0-9]+$/;

export interface ListRequest {
  readonly query: MovieQuery;
  readonly sort: SortOrder;
  readonly limit: number;
  /** The opaque cursor as sent; decoding needs the query, see query/cursor.ts. */
  readonly cursor?: string;
  readonly facets: readonly FacetName[];
  readonly facetLimit: number;
  readonly count: boolean;
  readonly highlight: boolean;
}

/**
 * Parses the raw query string of GET /v1/movies (without the leading `?`). It is parsed here rather
 * than by a generic parser because the contract rejects what generic parsers forgive: repeated
 * single-valued parameters, unknown names and broken percent-encoding. Throws QueryError.
 */
export function parseListRequest(search: string): ListRequest {
  const values = new Map<Parameter, string[]>();
  if (search.length > 0) {
    for (const pair of search.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decode(eq === -1 ? pair : pair.slice(0, eq), 'parameter name');
      const value = eq === -1 ? '' : decode(pair.slice(eq + 1), name);
      if (!(PARAMETERS as readonly string[]).includes(name)) {
        throw new QueryError(name, `unknown parameter "${name}"; the parameters are ${PARAMETERS.join(', ')}`);
      }
      // An empty value counts as absent, so clients can send blank form fields.
      if (value.trim() === '') continue;
      const parameter = name as Parameter;
      const list = values.get(parameter) ?? [];
      list.push(value);
      values.set(parameter, list);
    }
  }
  for (const [parameter, list] of values) {
    if (list.length > 1 && !REPEATABLE.has(parameter)) {
      throw new QueryError(parameter, `${parameter} may be given only once`);
    }
  }
  const one = (p: Parameter): string | undefined => values.get(p)?.[0];

  // Every field present, undefined when absent, in one order: every parsed query has one shape, so the engine's reads
  // of them (the filter memo's hash and comparison, the plan) stay monomorphic whichever filters a request has.
  const query: { -readonly [K in keyof MovieQuery]: MovieQuery[K] } = {
    title: undefined,
    year: undefined,
    yearFrom: undefined,
    yearTo: undefined,
    cast: names(values.get('cast'), 'cast'),
    genres: names(values.get('genre'), 'genre'),
    q: undefined,
    phrases: undefined,
    exclude: undefined,
    match: undefined,
  };
  const q = one('q');
  if (q !== undefined) {
    if (q.length > MAX_Q_LENGTH) throw new QueryError('q', `q must be at most ${MAX_Q_LENGTH} characters`);
    const typed = parseQText(q);
    const count = typed.words.length + typed.exclude.length;
    if (count > MAX_Q_WORDS) throw new QueryError('q', `q may have at most ${MAX_Q_WORDS} words, got ${count}`);
    query.q = typed.words;
    if (typed.phrases.length > 0) query.phrases = typed.phrases;
    if (typed.exclude.length > 0) query.exclude = [...new Set(typed.exclude)].sort();
  }
  const match = one('match');
  if (match !== undefined) {
    if (!(MATCH_STRATEGIES as readonly string[]).includes(match)) {
      throw new QueryError('match', `match must be one of ${MATCH_STRATEGIES.join(', ')}, got "${clip(match)}"`);
    }
    // The default leaves no trace, so that `match=most` and no match are one query (cursors, ETags, caching).
    if (match === 'all') query.match = 'all';
  }
  const title = one('title');
  if (title !== undefined) {
    if (title.length > RECORD_LIMITS.titleLength) {
      throw new QueryError('title', `title must be at most ${RECORD_LIMITS.titleLength} characters`);
    }
    query.title = normaliseText(title);
  }
  const year = yearValue(one('year'), 'year');
  if (year !== undefined) query.year = year;
  const yearFrom = yearValue(one('year_from'), 'year_from');
  const yearTo = yearValue(one('year_to'), 'year_to');
  if (yearFrom !== undefined && yearTo !== undefined && yearFrom > yearTo) {
    throw new QueryError('year_from', `year_from (${yearFrom}) is after year_to (${yearTo}); give the earlier year first`);
  }
  if (yearFrom !== undefined) query.yearFrom = yearFrom;
  if (yearTo !== undefined) query.yearTo = yearTo;

  const sort = sortOrder(one('sort'), query.q !== undefined);
  const limit = bounded(one('limit'), 'limit', DEFAULT_LIMIT, MAX_LIMIT);
  const facetLimit = bounded(one('facet_limit'), 'facet_limit', DEFAULT_FACET_LIMIT, MAX_FACET_LIMIT);
  const cursor = one('cursor');
  return {
    query,
    sort,
    limit,
    ...(cursor === undefined ? {} : { cursor }),
    facets: facetNames(one('facets')),
    facetLimit,
    count: flag(one('count'), 'count'),
    highlight: flag(one('highlight'), 'highlight'),
  };
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text.includes('+') ? text.replace(/\+/g, ' ') : text);
  } catch (error) {
    throw new QueryError(what, `${what} has invalid percent-encoding: "${clip(text)}"`, { cause: error });
  }
}

function names(list: string[] | undefined, parameter: Parameter): string[] {
  if (list === undefined) return [];
  if (list.length > MAX_TERMS) throw new QueryError(parameter, `${parameter} may be given at most ${MAX_TERMS} times`);
  for (const name of list) {
    if (name.length > RECORD_LIMITS.listItemLength) {
      throw new QueryError(parameter, `${parameter} must be at most ${RECORD_LIMITS.listItemLength} characters`);
    }
  }
  return [...new Set(list.map(normaliseText))].sort();
}

function yearValue(text: string | undefined, parameter: Parameter): number | undefined {
  if (text === undefined) return undefined;
  if (!INTEGER.test(text) || text.length > YEAR_DIGITS) {
    throw new QueryError(parameter, `${parameter} must be a whole number such as 1996, got "${clip(text)}"`);
  }
  return Number(text);
}

function bounded(text: string | undefined, parameter: Parameter, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = INTEGER.test(text) && text.length <= 3 ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) throw new QueryError(parameter, `${parameter} must be a whole number from 1 to ${max}, got "${clip(text)}"`);
  return n;
}

/** Relevance is the order with `q`, the catalogue order (year:desc) without; relevance needs `q` to mean anything. */
function sortOrder(text: string | undefined, hasQ: boolean): SortOrder {
  if (text === undefined) return hasQ ? 'relevance' : 'year:desc';
  if (!(SORT_ORDERS as readonly string[]).includes(text)) {
    throw new QueryError('sort', `sort must be one of ${SORT_ORDERS.join(', ')}, got "${clip(text)}"`);
  }
  if (text === 'relevance' && !hasQ)
    throw new QueryError('sort', 'sort=relevance needs q, the text to rank by; without q use year:desc, year:asc, title:asc or title:desc');
  return text as SortOrder;
}

function facetNames(text: string | undefined): FacetName[] {
  if (text === undefined) return [];
  const out: FacetName[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!(FACETS as readonly string[]).includes(name)) {
      throw new QueryError('facets', `facets is a comma-separated list of ${FACETS.join(', ')}; "${clip(name)}" is not one of them`);
    }
    if (!out.includes(name as FacetName)) out.push(name as FacetName);
  }
  return FACETS.filter((f) => out.includes(f));
}

function flag(text: string | undefined, parameter: Parameter): boolean {
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  throw new QueryError(parameter, `${parameter} must be true or false, got "${clip(text)}"`);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The engine's request for a parsed one, starting after `after` when a cursor gave one. */
export function searchRequestOf(request: ListRequest, after?: After): SearchRequest {
  return {
    query: request.query,
    sort: request.sort,
    limit: request.limit,
    ...(after ? { after } : {}),
    facets: request.facets,
    facetLimit: request.facetLimit,
    count: request.count,
    highlight: request.highlight,
  };
}
