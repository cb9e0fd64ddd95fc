import type { FastifyInstance } from 'fastify';
import type { CatalogueIndex } from '../../engine/catalogue-index.js';
import type { RouteContext } from '../context.js';
import { etagFor, matchesIfNoneMatch } from '../etag.js';
import { genresSchema } from '../schemas.js';
import { notModified, sendJson } from './movies.js';
import { notReady } from './not-ready.js';

/** The body only changes with the data version, so it is built once per index. */
const bodies = new WeakMap<CatalogueIndex, string>();

export function genresRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/v1/genres', { schema: genresSchema }, (request, reply) => {
    const index = ctx.catalogue.current;
    if (!index) return notReady(reply);
    const etag = etagFor(index.version, 'genres');
    if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) return notModified(reply, etag, ctx);
    let body = bodies.get(index);
    if (body === undefined) {
      body = JSON.stringify({ items: index.genreCounts });
      bodies.set(index, body);
    }
    return sendJson(reply, etag, ctx, body);
  });
}
