import type { FastifyInstance } from 'fastify';
import type { CatalogueIndex } from '../../engine/catalogue-index.js';
import { etagFor } from '../../node-http/etag.js';
import { jsonAnswer, NOT_READY, sendAnswer } from '../answer.js';
import type { RouteContext } from '../context.js';
import { genresSchema } from '../schemas.js';

/** The body only changes with the data version, so it is built once per index. */
const bodies = new WeakMap<CatalogueIndex, string>();

export function genresRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/v1/genres', { schema: genresSchema }, (_request, reply) => {
    const index = ctx.reader.dataset?.index;
    if (!index) return sendAnswer(reply, NOT_READY);
    const etag = etagFor(index.version, 'genres');
    let body = bodies.get(index);
    if (body === undefined) {
      body = JSON.stringify({ items: index.genreCounts });
      bodies.set(index, body);
    }
    sendAnswer(reply, jsonAnswer(body, etag, ctx.cacheControl));
  });
}
