import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CatalogueIndex } from '../../engine/catalogue-index.js';
import { searchMovies } from '../../engine/search.js';
import { queryFingerprint } from '../../query/cursor.js';
import { parseListRequest } from '../../query/parse-query.js';
import type { RouteContext } from '../context.js';
import { etagFor, matchesIfNoneMatch } from '../etag.js';
import { listMoviesSchema } from '../schemas.js';
import { notReady } from './not-ready.js';

/** GET /v1/movies: the hot path. The body is joined from each movie's JSON serialised at index time. */
export function moviesRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/v1/movies', { schema: listMoviesSchema }, (request, reply) => {
    const index = ctx.catalogue.current;
    if (!index) return notReady(reply);
    const url = request.url;
    const q = url.indexOf('?');
    const search = q === -1 ? '' : url.slice(q + 1);
    // Throws QueryError, which the error handler turns into a 400 naming the parameter.
    const { query, limit, cursor } = parseListRequest(search);
    const etag = etagFor(index.version, search);
    if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) return notModified(reply, etag, ctx);
    const fingerprint = cursor === undefined ? '' : queryFingerprint(query);
    const after = cursor === undefined ? undefined : ctx.codec.decode(cursor, fingerprint);
    const page = searchMovies(index, query, after ? { limit, after } : { limit });
    let nextCursor = 'null';
    if (page.hasMore) {
      const last = index.positionOf(page.ranks[page.ranks.length - 1] as number);
      nextCursor = `"${ctx.codec.encode(last, fingerprint || queryFingerprint(query))}"`;
    }
    return sendJson(reply, etag, ctx, `{"items":[${joinMovies(index, page.ranks)}],"has_more":${page.hasMore},"next_cursor":${nextCursor}}`);
  });
}

function joinMovies(index: CatalogueIndex, ranks: readonly number[]): string {
  let out = '';
  for (let i = 0; i < ranks.length; i++) {
    if (i > 0) out += ',';
    out += index.json[ranks[i] as number];
  }
  return out;
}

export function sendJson(reply: FastifyReply, etag: string, ctx: RouteContext, body: string): FastifyReply {
  return reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('etag', etag)
    .header('cache-control', ctx.cacheControl)
    .send(body);
}

export function notModified(reply: FastifyReply, etag: string, ctx: RouteContext): FastifyReply {
  return reply.code(304).header('etag', etag).header('cache-control', ctx.cacheControl).send();
}
