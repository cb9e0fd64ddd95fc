import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CatalogueIndex } from '../../engine/catalogue-index.js';
import { searchMovies } from '../../engine/search.js';
import { queryFingerprint } from '../../query/cursor.js';
import { parseListRequest } from '../../query/parse-query.js';
import type { RouteContext } from '../context.js';
import { etagFor, matchesIfNoneMatch } from '../etag.js';
import { JSON_CONTENT_TYPE, MOVIES_PATH } from '../fast-lane.js';
import type { CachedAnswer } from '../response-cache.js';
import { listMoviesSchema } from '../schemas.js';
import { notReady } from './not-ready.js';

/**
 * GET /v1/movies: the hot path. The body is joined from each movie's JSON serialised at index time,
 * and kept in the response cache, from which this route and the fast lane (fast-lane.ts) answer
 * the same query string again until the data version changes.
 */
export function moviesRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get(MOVIES_PATH, { schema: listMoviesSchema }, (request, reply) => {
    const index = ctx.catalogue.current;
    if (!index) return notReady(reply);
    const url = request.url;
    const q = url.indexOf('?');
    const search = q === -1 ? '' : url.slice(q + 1);
    const answer = ctx.responses.get(index.version, search) ?? answer200(ctx, index, search);
    if (matchesIfNoneMatch(request.headers['if-none-match'], answer.etag)) return notModified(reply, answer.etag, ctx);
    return sendJson(reply, answer.etag, ctx, answer.body);
  });
}

/** Parses, searches and serialises one page; throws QueryError, which becomes a 400 naming the parameter. */
function answer200(ctx: RouteContext, index: CatalogueIndex, search: string): CachedAnswer {
  const { query, limit, cursor } = parseListRequest(search);
  const fingerprint = cursor === undefined ? '' : queryFingerprint(query);
  const after = cursor === undefined ? undefined : ctx.codec.decode(cursor, fingerprint);
  const page = searchMovies(index, query, after ? { limit, after } : { limit });
  let nextCursor = 'null';
  if (page.hasMore) {
    const last = index.positionOf(page.ranks[page.ranks.length - 1] as number);
    nextCursor = `"${ctx.codec.encode(last, fingerprint || queryFingerprint(query))}"`;
  }
  const body = `{"items":[${joinMovies(index, page.ranks)}],"has_more":${page.hasMore},"next_cursor":${nextCursor}}`;
  // Memory of its own: a small Buffer.from comes out of node's shared 8 KiB pool, and a cached slice
  // would keep the whole slab alive while the cache counts only the slice.
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(body));
  bytes.write(body);
  const answer = { body: bytes, etag: etagFor(index.version, search) };
  ctx.responses.set(index.version, search, answer);
  return answer;
}

function joinMovies(index: CatalogueIndex, ranks: readonly number[]): string {
  let out = '';
  for (let i = 0; i < ranks.length; i++) {
    if (i > 0) out += ',';
    out += index.json[ranks[i] as number];
  }
  return out;
}

/** Returns nothing, like sendProblem, so that Fastify does not wait on the reply as a promise. */
export function sendJson(reply: FastifyReply, etag: string, ctx: RouteContext, body: string | Buffer): void {
  reply
    .header('content-type', JSON_CONTENT_TYPE)
    .header('etag', etag)
    .header('cache-control', ctx.cacheControl)
    .send(body);
}

export function notModified(reply: FastifyReply, etag: string, ctx: RouteContext): void {
  reply.code(304).header('etag', etag).header('cache-control', ctx.cacheControl).send();
}
