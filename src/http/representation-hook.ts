import type { FastifyInstance } from 'fastify';
import { ByteLru } from '../cache/byte-lru.js';
import { negotiateEncoding } from '../node-http/accept-encoding.js';
import { matchesIfNoneMatch, representationEtag } from '../node-http/etag.js';
import {
  compressBest,
  compressFast,
  COMPRESSION_FLOOR_BYTES,
  compressibleType,
  type CompressedEncoding,
  type Tier,
} from './compression.js';
import type { Recompressor } from './recompressor.js';

/** Compressed bodies of answers with an ETag (genres, movies, the page's files), so a repeated one is compressed once. */
const MEMO_BYTES = 16 * 1024 * 1024;

/**
 * The representation of every 200 Fastify sends that GET /v1/movies has not already negotiated (its
 * representations and 304s are made and cached by MoviesAnswers, so the fast lane and Fastify agree):
 * the other JSON answers, the OpenAPI document and the page's files.
 *
 * Compression: an answer of a compressible type and at least the floor says `Vary: Accept-Encoding` in
 * every representation, and a compressed one gets its own ETag. Bodies with an ETag are compressed once
 * per representation (the tag names the answer), by the fast tier, and recompressed by the best tier when
 * asked for again (off the request's path, under the recompressor's budget); the others (/v1/status) each
 * time, which their rarity affords. The floor is the first tier's for both: these answers are few and
 * mostly far above it, so a lower one would buy little.
 *
 * Conditional requests: a route sends its answer with its ETag and nothing else to do; here, once the
 * representation is known, an `If-None-Match` naming any representation of it turns the answer into a
 * 304 carrying the tag and Vary that the 200 would have had (RFC 9110 §15.4.5). Deciding it here, after
 * the body is made, is what lets the 304 name the representation: whether an answer is compressed at
 * all depends on its size. The cost is that a route builds its body for a 304 too; all of them are
 * cheap next to the bytes a 304 saves (the facet-value search is the dearest, a fraction of a millisecond).
 */
export function representAnswers(app: FastifyInstance, recompressor: Recompressor): void {
  const memo = new ByteLru<{ readonly body: Buffer; readonly tier: Tier }>(MEMO_BYTES);
  const recompress = (key: string, identity: Buffer, encoding: CompressedEncoding): void => {
    recompressor.offer(key, async () => {
      const fast = memo.peek(key);
      if (fast === undefined) return;
      const best = await compressBest(identity, encoding);
      if (memo.peek(key) !== fast) return;
      const kept = best.length < fast.body.length ? best : fast.body;
      memo.replace(key, { body: kept, tier: 'best' }, kept.length + key.length * 2);
    });
  };
  app.addHook('onSend', (request, reply, payload, done) => {
    const vary = reply.getHeader('vary');
    // Already negotiated (GET /v1/movies): every representation of it says Vary: Accept-Encoding.
    if (reply.statusCode !== 200 || (typeof vary === 'string' && /accept-encoding/i.test(vary))) return done(null, payload);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    const type = reply.getHeader('content-type');
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const compressible = compressibleType(typeof type === 'string' ? type : undefined) && body.length >= COMPRESSION_FLOOR_BYTES;
    if (compressible) reply.header('vary', vary === undefined ? 'Accept-Encoding' : `${String(vary)}, Accept-Encoding`);
    const encoding = compressible ? negotiateEncoding(request.headers['accept-encoding']) : 'identity';
    const base = reply.getHeader('etag');
    const etag = typeof base === 'string' ? representationEtag(base, encoding) : undefined;
    if (etag !== undefined) {
      reply.header('etag', etag);
      if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
        reply.code(304).removeHeader('content-type').removeHeader('content-length');
        return done(null, null);
      }
    }
    if (encoding === 'identity') return done(null, payload);
    const key = etag;
    const memoised = key === undefined ? undefined : memo.get(key);
    let compressed = memoised?.body;
    if (compressed === undefined) {
      compressed = compressFast(body, encoding);
      if (key !== undefined) memo.set(key, { body: compressed, tier: 'fast' }, compressed.length + key.length * 2);
    } else if (memoised?.tier === 'fast' && key !== undefined) recompress(key, body, encoding);
    reply.header('content-encoding', encoding).header('content-length', String(compressed.length));
    done(null, compressed);
  });
}
