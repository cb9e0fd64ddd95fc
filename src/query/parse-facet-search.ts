import { SEARCHABLE_FACETS, type FacetSearch, type SearchableFacet } from '../engine/facet-search.js';
import { QueryError } from '../errors/errors.js';
import { parseListRequest } from './parse-query.js';

/** The query parameters of GET /v1/facets/{facet}: the fragment, the filters of GET /v1/movies, and how many values. */
export const FACET_SEARCH_PARAMETERS = ['q', 'title', 'year', 'year_from', 'year_to', 'cast', 'genre', 'limit'] as const;
export const DEFAULT_FACET_SEARCH_LIMIT = 10;

/**
 * Parses GET /v1/facets/{facet}?q=…: the values of `parseListRequest` (one parser of the filters, with
 * its errors), less the parameters that describe a page of movies, which are refused by name here.
 * `q` is the start of the value typed so far, and is required. Throws QueryError.
 */
export function parseFacetSearch(facet: string, search: string): FacetSearch {
  if (!(SEARCHABLE_FACETS as readonly string[]).includes(facet))
    throw new QueryError('facet', `the values of ${SEARCHABLE_FACETS.join(' and ')} can be searched, not "${facet.slice(0, 40)}"`);
  const parsed = parseListRequest(search);
  // parseListRequest has refused broken percent-encoding, so the names read back as it read them.
  for (const name of new URLSearchParams(search).keys()) {
    if (!(FACET_SEARCH_PARAMETERS as readonly string[]).includes(name))
      throw new QueryError(name, `unknown parameter "${name}"; the parameters are ${FACET_SEARCH_PARAMETERS.join(', ')}`);
  }
  const { q, ...filters } = parsed.query;
  if (q === undefined || q.length === 0) throw new QueryError('q', 'q is required: the start of the value to look for, such as "tom ha"');
  const limited = new URLSearchParams(search).has('limit');
  return { facet: facet as SearchableFacet, words: q, query: filters, limit: limited ? parsed.limit : DEFAULT_FACET_SEARCH_LIMIT };
}
