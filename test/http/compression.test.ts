import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compressBest, compressFast } from '../../src/http/compression.js';
import { startApi } from '../support/api-server.js';
import { decode, exchange } from '../support/raw-http.js';

const KEY = 'k-0123456789abcdef';

const QUERIES = [
  'genre=drama&limit=20',
  'q=star%20wars&facets=genre,decade&count=true',
  'limit=100&year=1994',
  'title=matrix',
  'limit=1',
  'cast=tom%20hanks&limit=50',
];
const CODINGS = ['br', 'gzip', 'identity', 'deflate', '*'];
const acceptEncoding = fc.oneof(
  fc.constant(undefined),
  fc
    .array(fc.tuple(fc.constantFrom(...CODINGS), fc.option(fc.constantFrom('0', '0.1', '0.5', '1'), { nil: undefined })), {
      minLength: 1,
      maxLength: 4,
    })
    .map((parts) => parts.map(([c, q]) => (q === undefined ? c : `${c};q=${q}`)).join(', ')),
);

test('for random queries and Accept-Encoding headers, through the lane and through Fastify: the decoded body is the identity body, each representation has its own ETag, and each ETag gives 304', async () => {
  const api = await startApi({ access: { keys: new Map([[KEY, 'acme']]), requireApiKey: false, rateLimit: 0, rateBurst: 1 } });
  try {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...QUERIES), acceptEncoding, fc.boolean(), async (query, accept, viaFastify) => {
        const path = `/v1/movies?${query}`;
        const extra: Record<string, string> = viaFastify ? { 'x-api-key': KEY } : {};
        const identity = await exchange(api.port, path, { ...extra, 'accept-encoding': 'identity' });
        const answer = await exchange(api.port, path, accept === undefined ? extra : { ...extra, 'accept-encoding': accept });
        assert.equal(answer.status, 200);
        assert.deepEqual(decode(answer.headers['content-encoding'], answer.body), identity.body);
        assert.equal(Number(answer.headers['content-length']), answer.body.length);
        if (answer.headers['content-encoding'] !== undefined) {
          assert.notEqual(answer.headers.etag, identity.headers.etag, 'another representation, another ETag');
          assert.match(String(answer.headers.vary), /Accept-Encoding/);
        }
        for (const etag of [identity.headers.etag, answer.headers.etag]) {
          const revalidated = await exchange(api.port, path, {
            ...extra,
            'if-none-match': String(etag),
            ...(accept === undefined ? {} : { 'accept-encoding': accept }),
          });
          assert.equal(revalidated.status, 304, `If-None-Match ${String(etag)}`);
          assert.equal(revalidated.headers.etag, answer.headers.etag, 'the 304 names the representation it would have sent');
        }
      }),
      { numRuns: 60 },
    );
  } finally {
    await api.app.close();
  }
});

test('small answers stay uncompressed and do not vary; a repeated query is compressed fast once; the page and OpenAPI document are compressed too', async () => {
  // startApi has the second tier off: what the first request makes is what a repeated one gets (recompression.test.ts has the second).
  const api = await startApi();
  try {
    const small = await exchange(api.port, '/v1/movies?title=zzzzqqq', { 'accept-encoding': 'br' });
    assert.ok(small.body.length < 256, `${small.body.length} bytes`);
    assert.equal(small.headers['content-encoding'], undefined);
    assert.equal(small.headers.vary, undefined);
    const first = await exchange(api.port, '/v1/movies?limit=100&year=1994', { 'accept-encoding': 'br' });
    const again = await exchange(api.port, '/v1/movies?limit=100&year=1994', { 'accept-encoding': 'br' });
    assert.equal(first.headers['content-encoding'], 'br');
    assert.ok(first.body.length < 0.5 * decode('br', first.body).length, 'br at most half the identity bytes here, even fast');
    assert.deepEqual(again.body, first.body);
    for (const path of ['/openapi.json', '/v1/genres']) {
      const compressed = await exchange(api.port, path, { 'accept-encoding': 'gzip' });
      assert.equal(compressed.headers['content-encoding'], 'gzip', path);
      assert.deepEqual(decode('gzip', compressed.body), (await exchange(api.port, path, {})).body, path);
    }
  } finally {
    await api.app.close();
  }
});

test('compressed bodies own memory of their size, so what a cache counts is what it holds (zlib hands out views of 16 KiB chunks)', async () => {
  const body = Buffer.from(JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => ({ id: i, title: `Movie ${i}` })) }));
  for (const encoding of ['br', 'gzip'] as const) {
    for (const compressed of [compressFast(body, encoding), await compressBest(body, encoding)]) {
      assert.ok(compressed.length < body.length / 2, encoding);
      assert.equal(compressed.buffer.byteLength, compressed.length, `${encoding}: ${compressed.buffer.byteLength} bytes held`);
      assert.deepEqual(decode(encoding, compressed), body);
    }
  }
});
