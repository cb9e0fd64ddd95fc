import type { SearchRequest } from '../../src/engine/search-request.js';
import { parseListRequest, searchRequestOf } from '../../src/query/parse-query.js';
import type { ReferenceRequest } from './reference-engine.js';

/** The request as a client sends it, parsed as the server parses it. */
export function toSearch(r: ReferenceRequest, limit: number, extra: Record<string, string> = {}): SearchRequest {
  const params = filterParams(r);
  if (r.q !== undefined) params.set('q', r.q);
  if (r.match !== undefined) params.set('match', r.match);
  params.set('sort', r.sort);
  params.set('limit', String(limit));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return searchRequestOf(parseListRequest(params.toString()));
}

/** The request's filters (no q, no order) as query parameters. */
export function filterParams(r: ReferenceRequest): URLSearchParams {
  const params = new URLSearchParams();
  if (r.title !== undefined) params.set('title', r.title);
  if (r.year !== undefined) params.set('year', String(r.year));
  if (r.yearFrom !== undefined) params.set('year_from', String(r.yearFrom));
  if (r.yearTo !== undefined) params.set('year_to', String(r.yearTo));
  for (const c of r.cast) params.append('cast', c);
  for (const g of r.genres) params.append('genre', g);
  return params;
}
