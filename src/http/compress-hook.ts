import type { FastifyInstance } from 'fastify';
import { ByteLru } from '../cache/byte-lru.js';
import { negotiateEncoding } from '../node-http/accept-encoding.js';
import { representationEtag } from '../node-http/etag.js';
import { compress, COMPRESSION_FLOOR_BYTES, compressibleType } from './compression.js';

/** Compressed bodies of answers with an ETag (genres, movies, the page's files), so a repeated one is compressed once. */
const MEMO_BYTES = 16 * 1024 * 1024;

/**
 * Compression for every answer Fastify sends that GET /v1/movies does not already send compressed (its
 * representations are made and cached by MoviesAnswers, so the fast lane and Fastify agree): the other
 * JSON answers, the OpenAPI document and the page's files, when at least the compression floor. Such an
 * answer says `Vary: Accept-Encoding` in every representation, and a compressed one gets its own ETag.
 * Bodies with an ETag are compressed once per representation (the tag names the bytes); the others
 * (/v1/status, /openapi.json) each time, which their rarity affords.
 */
export function compressAnswers(app: FastifyInstance): void {
  const memo = new ByteLru<Buffer>(MEMO_BYTES);
  app.addHook('onSend', (request, reply, payload, done) => {
    const vary = reply.getHeader('vary');
    // Already negotiated (GET /v1/movies): every representation of it says Vary: Accept-Encoding.
    if (reply.statusCode !== 200 || (typeof vary === 'string' && /accept-encoding/i.test(vary))) return done(null, payload);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    const type = reply.getHeader('content-type');
    if (!compressibleType(typeof type === 'string' ? type : undefined)) return done(null, payload);
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (body.length < COMPRESSION_FLOOR_BYTES) return done(null, payload);
    reply.header('vary', vary === undefined ? 'Accept-Encoding' : `${String(vary)}, Accept-Encoding`);
    const encoding = negotiateEncoding(request.headers['accept-encoding']);
    if (encoding === 'identity') return done(null, payload);
    const etag = reply.getHeader('etag');
    const key = typeof etag === 'string' ? `${encoding} ${etag}` : undefined;
    let compressed = key === undefined ? undefined : memo.get(key);
    if (compressed === undefined) {
      compressed = compress(body, encoding);
      if (key !== undefined) memo.set(key, compressed, compressed.length + key.length * 2);
    }
    reply.header('content-encoding', encoding).header('content-length', String(compressed.length));
    if (typeof etag === 'string') reply.header('etag', representationEtag(etag, encoding));
    done(null, compressed);
  });
}
