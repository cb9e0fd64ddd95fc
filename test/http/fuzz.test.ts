import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseListRequest } from '../../src/query/parse-query.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { rawRequest } from '../support/raw-http.js';
import { QueryError } from '../../src/errors/errors.js';

let api: RunningApi;
before(async () => {
  api = await startApi();
});
after(() => api.app.close());

const hostile = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc
    .array(
      fc.constantFrom(
        'title',
        'year',
        'cast',
        'genre',
        'limit',
        'cursor',
        '%',
        '%E0',
        '%zz',
        '=',
        '&',
        '+',
        '__proto__',
        'constructor',
        '[]',
        '\u0000',
        '9999999999999999999',
        '-1',
        'é',
        '💥',
      ),
      { maxLength: 20 },
    )
    .map((parts) => parts.join('')),
);

test('the query parser only ever returns a query or throws QueryError', () => {
  fc.assert(
    fc.property(hostile, (search) => {
      try {
        const r = parseListRequest(search);
        assert.ok(r.limit >= 1 && r.limit <= 100);
      } catch (error) {
        assert.ok(error instanceof QueryError, `unexpected ${String(error)} for ${JSON.stringify(search)}`);
      }
    }),
    { numRuns: 3000 },
  );
});

test('hostile query strings and paths over HTTP never get a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      hostile,
      fc.constantFrom('/v1/movies?', '/v1/movies/', '/v1/genres?', '/', '/v1/movies/abc/history?'),
      async (junk, prefix) => {
        const path = prefix + encodeURI(junk).replace(/%25/g, '%');
        let url: URL;
        try {
          url = new URL(`${api.base}${path}`);
        } catch {
          return; // the client itself cannot spell this URL: nothing to send
        }
        // No catch here: a server that stops answering fails the property.
        const res = await fetch(url);
        assert.ok(res.status < 500, `${res.status} for ${path}`);
        await res.arrayBuffer();
      },
    ),
    { numRuns: 400 },
  );
});

test('raw hostile request lines never crash the server or get a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'binary-ascii', maxLength: 300 }), async (junk) => {
      const res = await rawRequest(
        api.port,
        `GET /v1/movies?${junk.replace(/[\r\n ]/g, '')} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      // Every request line gets an answer (a 400 for what node's parser refuses), never silence or a 5xx.
      assert.ok(res.status >= 200 && res.status < 500, `${res.status} for ${JSON.stringify(junk)}`);
    }),
    { numRuns: 200 },
  );
  assert.equal((await fetch(`${api.base}/healthz`)).status, 200, 'still alive');
});
