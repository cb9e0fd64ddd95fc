import type { FastifyInstance } from 'fastify';
import { MOVIE_ID_PATTERN } from '../../catalogue/id.js';
import type { RouteContext } from '../context.js';
import { etagFor, matchesIfNoneMatch } from '../etag.js';
import { PROBLEM_TYPES, problem, sendProblem } from '../problem.js';
import { historySchema, movieByIdSchema } from '../schemas.js';
import { notModified, sendJson } from './movies.js';
import { notReady } from './not-ready.js';

function unknownMovie(id: string) {
  return problem(404, PROBLEM_TYPES.notFound, 'Not Found', `no movie has the id "${id.slice(0, 64)}"; ids come from the "id" field of /v1/movies results`);
}

export function movieByIdRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { id: string } }>('/v1/movies/:id', { schema: movieByIdSchema }, (request, reply) => {
    const index = ctx.catalogue.current;
    if (!index) return notReady(reply);
    const { id } = request.params;
    const rank = MOVIE_ID_PATTERN.test(id) ? index.rankOf(id) : undefined;
    if (rank === undefined) return sendProblem(reply, unknownMovie(id));
    const etag = etagFor(index.version, id);
    if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) return notModified(reply, etag, ctx);
    return sendJson(reply, etag, ctx, index.json[rank] as string);
  });

  app.get<{ Params: { id: string } }>('/v1/movies/:id/history', { schema: historySchema }, (request, reply) => {
    const dataset = ctx.catalogue.dataset;
    if (!dataset) return notReady(reply);
    const { id } = request.params;
    const history = MOVIE_ID_PATTERN.test(id) ? dataset.history(id) : [];
    // A deleted movie has no current record but still has a history worth showing.
    if (history.length === 0 && dataset.index.rankOf(id) === undefined) return sendProblem(reply, unknownMovie(id));
    const etag = etagFor(dataset.index.version, `history/${id}`);
    if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) return notModified(reply, etag, ctx);
    return sendJson(reply, etag, ctx, JSON.stringify({ items: history }));
  });
}
