import type { FastifyInstance } from 'fastify';
import { searchFacetValues } from '../../engine/facet-search.js';
import { QueryError } from '../../errors/errors.js';
import { etagFor } from '../../node-http/etag.js';
import { PROBLEM_TYPES, problem } from '../../node-http/problem.js';
import { parseFacetSearch } from '../../query/parse-facet-search.js';
import { jsonAnswer, NOT_READY, problemAnswer, sendAnswer } from '../answer.js';
import type { RouteContext } from '../context.js';
import { facetSearchSchema } from '../schemas.js';

/**
 * GET /v1/facets/{cast|genre}?q=tom ha&…filters…: search within a facet's values (the cast facet has
 * tens of thousands), each with its count under the filters. The query string is parsed as it came,
 * as GET /v1/movies's is, so the two refuse the same things alike.
 */
export function facetValuesRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { facet: string } }>('/v1/facets/:facet', { schema: facetSearchSchema }, (request, reply) => {
    const index = ctx.reader.dataset?.index;
    if (!index) return sendAnswer(reply, NOT_READY);
    const url = request.url;
    const at = url.indexOf('?');
    const search = at === -1 ? '' : url.slice(at + 1);
    let parsed;
    try {
      parsed = parseFacetSearch(request.params.facet, search);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      const p = problem(400, PROBLEM_TYPES.invalidParameter, 'Bad Request', error.message, { parameter: error.parameter });
      return sendAnswer(reply, problemAnswer(p));
    }
    const etag = etagFor(index.version, `facets/${request.params.facet}?${search}`);
    sendAnswer(reply, jsonAnswer(JSON.stringify({ items: searchFacetValues(index, parsed) }), etag, ctx.cacheControl));
  });
}
