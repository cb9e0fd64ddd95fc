import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardedRequestHeaders, mergeRevalidated, relayedHeaders } from '../../src/edge/relay-headers.js';
import { requestFacts } from '../../src/node-http/request-facts.js';

test('requestFacts: credentials in any spelling, the request id, every If-None-Match line', () => {
  for (const name of ['Authorization', 'X-API-KEY', 'x-api-key', 'COOKIE'])
    assert.equal(requestFacts(['Host', 'a', name, 'v']).credentials, true, name);
  assert.equal(requestFacts(['Host', 'a', 'X-Api-Keys', 'v', 'Cookies', 'v', 'Authorisation', 'v']).credentials, false);
  assert.deepEqual(
    requestFacts([
      'X-Request-ID',
      'abc',
      'If-None-Match',
      '"a"',
      'if-none-match',
      'W/"b"',
      'Origin',
      'https://a.example',
      'Accept-Encoding',
      'gzip',
      'accept-encoding',
      'br',
    ]),
    {
      requestId: 'abc',
      ifNoneMatch: '"a", W/"b"',
      acceptEncoding: 'gzip, br',
      origin: 'https://a.example',
      credentials: false,
    },
  );
  // A repeated request id is joined as node joins it in req.headers.
  assert.equal(requestFacts(['X-Request-Id', 'a', 'x-request-id', 'b']).requestId, 'a, b');
});

test('relayedHeaders: hop-by-hop, Connection-named and edge-owned headers dropped; facts collected; spelling and repeats kept', () => {
  const h = relayedHeaders([
    'Content-Type',
    'application/json',
    'Connection',
    'keep-alive, X-Private-Hop',
    'X-Private-Hop',
    '1',
    'Keep-Alive',
    'timeout=5',
    'Transfer-Encoding',
    'chunked',
    'Content-Length',
    '10',
    'Age',
    '3',
    'X-Request-Id',
    'origin-id',
    'ETag',
    '"e"',
    'Cache-Control',
    'public',
    'cache-control',
    'max-age=5',
    'Link',
    '<a>',
    'Link',
    '<b>',
  ]);
  assert.deepEqual(h.headers, [
    'Content-Type',
    'application/json',
    'ETag',
    '"e"',
    'Cache-Control',
    'public',
    'cache-control',
    'max-age=5',
    'Link',
    '<a>',
    'Link',
    '<b>',
  ]);
  assert.equal(h.etag, '"e"');
  assert.equal(h.cacheControl, 'public, max-age=5');
  assert.equal(h.age, '3');
  assert.equal(h.setsCookie, false);
});

test('mergeRevalidated: each field of the 304 replaces every stored line of that name', () => {
  assert.deepEqual(mergeRevalidated(['Content-Type', 'a/b', 'ETag', '"1"', 'Link', '<x>', 'Link', '<y>'], ['etag', '"1"', 'link', '<z>']), [
    'Content-Type',
    'a/b',
    'etag',
    '"1"',
    'link',
    '<z>',
  ]);
});

test('forwardedRequestHeaders: end-to-end headers joined per name, Host and hop-by-hop dropped, Via and X-Forwarded-For appended', () => {
  assert.deepEqual(
    forwardedRequestHeaders(
      [
        'Host',
        'edge',
        'Connection',
        'close, X-Hop',
        'X-Hop',
        '1',
        'TE',
        'trailers',
        'Cookie',
        'a=1',
        'Cookie',
        'b=2',
        'Accept',
        'x',
        'Accept',
        'y',
        'Via',
        '1.1 cdn',
        'X-Forwarded-For',
        '10.0.0.1',
      ],
      '127.0.0.1',
    ),
    { cookie: 'a=1; b=2', accept: 'x, y', via: '1.1 cdn, 1.1 cinedex-edge', 'x-forwarded-for': '10.0.0.1, 127.0.0.1' },
  );
});
