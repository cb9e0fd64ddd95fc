import type { FastifyInstance } from 'fastify';
import { MOVIE_ID_PATTERN } from '../../catalogue/id.js';
import { etagFor } from '../../node-http/etag.js';
import { PROBLEM_TYPES, problem } from '../../node-http/problem.js';
import { jsonAnswer, NOT_READY, sendAnswer, sendProblem } from '../answer.js';
import type { HistoryEntry } from '../../snapshot/catalogue-reader.js';
import type { RouteContext } from '../context.js';
import { historySchema, movieByIdSchema } from '../schemas.js';

function unknownMovie(id: string) {
  return problem(
    404,
    PROBLEM_TYPES.notFound,
    'Not Found',
    `no movie has the id "${id.slice(0, 64)}"; ids come from the "id" field of /v1/movies results`,
  );
}

export function movieByIdRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { id: string } }>('/v1/movies/:id', { schema: movieByIdSchema }, (request, reply) => {
    const index = ctx.reader.dataset?.index;
    if (!index) return sendAnswer(reply, NOT_READY);
    const { id } = request.params;
    const rank = MOVIE_ID_PATTERN.test(id) ? index.rankOf(id) : undefined;
    if (rank === undefined) return sendProblem(reply, unknownMovie(id));
    const etag = etagFor(index.version, id);
    const bytes = index.movieBytes(rank);
    sendAnswer(reply, jsonAnswer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), etag, ctx.cacheControl));
  });

  app.get<{ Params: { id: string } }>('/v1/movies/:id/history', { schema: historySchema }, async (request, reply) => {
    const dataset = ctx.reader.dataset;
    if (!dataset) return sendAnswer(reply, NOT_READY);
    const { id } = request.params;
    let history: HistoryEntry[] = [];
    if (MOVIE_ID_PATTERN.test(id)) {
      try {
        history = await dataset.history(id);
      } catch (error) {
        // The history lives apart from the index, in the store: a store that fails now may answer in a moment.
        request.log.warn({ reqId: request.id, err: error }, 'history could not be read from the store');
        return sendProblem(reply, historyUnavailable(), ['retry-after', '5']);
      }
    }
    // A deleted movie has no current record but still has a history worth showing.
    if (history.length === 0 && dataset.index.rankOf(id) === undefined) return sendProblem(reply, unknownMovie(id));
    const etag = etagFor(dataset.index.version, `history/${id}`);
    sendAnswer(reply, jsonAnswer(JSON.stringify({ items: history }), etag, ctx.cacheControl));
  });
}

function historyUnavailable() {
  return problem(
    503,
    PROBLEM_TYPES.notReady,
    'Service Unavailable',
    "the movie's history is kept in the store and could not be read just now; retry in a few seconds",
  );
}
