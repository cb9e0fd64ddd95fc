import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Movie } from '../../src/catalogue/movie.js';
import type { Dataset } from '../../src/snapshot/catalogue-reader.js';
import { referenceSearch, type ReferenceQuery } from '../support/reference-search.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { rawRequest } from '../support/raw-http.js';
import { datasetFrom, seedIndex } from '../support/seed-index.js';

const { movies } = seedIndex();
let api: RunningApi;
before(async () => {
  api = await startApi();
});
after(() => api.app.close());

interface ListBody {
  items: Movie[];
  has_more: boolean;
  next_cursor: string | null;
}

async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; headers: Headers; json: unknown }> {
  const res = await fetch(api.base + path, { headers });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    headers: res.headers,
    json: text ? JSON.parse(text) : undefined,
  };
}

async function expectProblem(path: string, status: number, detail: RegExp, init: Record<string, string> = {}): Promise<void> {
  const res = await get(path, init);
  assert.equal(res.status, status, path);
  assert.match(res.type, /^application\/problem\+json/, path);
  const body = res.json as { type: string; title: string; status: number; detail: string };
  assert.equal(body.status, status);
  assert.match(body.type, /^https:\/\/cinedex\.dev\/problems\//);
  assert.ok(body.title.length > 0);
  assert.match(body.detail, detail, path);
}

async function walk(query: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 2000; pages++) {
    const path: string = `/v1/movies?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await get(path);
    assert.equal(res.status, 200, path);
    const body = res.json as ListBody;
    ids.push(...body.items.map((m) => m.id));
    assert.equal(body.has_more, body.next_cursor !== null);
    if (!body.next_cursor) return ids;
    cursor = body.next_cursor;
  }
  throw new Error('too many pages');
}

describe('GET /v1/movies', () => {
  const cases: [string, ReferenceQuery][] = [
    ['title=mission&cast=tom+cruise', { title: 'mission', cast: ['tom cruise'], genres: [] }],
    ['title=BOHEME', { title: 'boheme', cast: [], genres: [] }],
    ['title=se%C3%B1or', { title: 'señor', cast: [], genres: [] }],
    ['genre=Action&year=1996', { year: 1996, cast: [], genres: ['action'] }],
    ['cast=Tom+Hanks&cast=Meg+Ryan', { cast: ['Tom Hanks', 'Meg Ryan'], genres: [] }],
    ['title=%3A', { title: ':', cast: [], genres: [] }],
    ['title=q', { title: 'q', cast: [], genres: [] }],
    ['year=1919', { year: 1919, cast: [], genres: [] }],
    ['genre=drama&genre=comedy', { cast: [], genres: ['drama', 'comedy'] }],
  ];
  for (const [query, reference] of cases) {
    test(`paging ${query} through next_cursor yields every match once, in order`, async () => {
      const expected = referenceSearch(movies, reference).map((m) => m.id);
      assert.ok(expected.length > 0, `the case ${query} should match something in the seed`);
      assert.deepEqual(await walk(query, 7), expected);
    });
  }

  test('the first page, default limit, response shape and caching headers', async () => {
    const res = await get('/v1/movies');
    assert.equal(res.status, 200);
    assert.match(res.type, /^application\/json/);
    const body = res.json as ListBody;
    assert.equal(body.items.length, 20);
    assert.equal(body.has_more, true);
    assert.equal(typeof body.next_cursor, 'string');
    const first = body.items[0] as Movie;
    assert.deepEqual(Object.keys(first).slice(0, 5), ['id', 'title', 'year', 'cast', 'genres']);
    assert.equal(first.year, Math.max(...movies.map((m) => m.year)));
    // fetch asks for gzip: the tag of a compressed representation is weak (its bytes change when recompressed).
    assert.match(res.headers.get('etag') ?? '', /^(W\/)?"/);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=10/);
  });

  test('an empty result is a 200 with no cursor', async () => {
    const res = await get('/v1/movies?title=zzzzqqqxx');
    assert.deepEqual(res.json, { items: [], has_more: false, next_cursor: null });
  });

  test('If-None-Match with the ETag answers 304; a new data version changes the ETag', async () => {
    const first = await get('/v1/movies?genre=Western');
    const etag = first.headers.get('etag') as string;
    const again = await fetch(`${api.base}/v1/movies?genre=Western`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    assert.equal(
      (await fetch(`${api.base}/v1/movies?genre=Western`, { headers: { 'if-none-match': `W/${etag.replace(/^W\//, '')}, "x"` } })).status,
      304,
    );
    assert.equal((await fetch(`${api.base}/v1/movies?genre=Western`, { headers: { 'if-none-match': '"other"' } })).status, 200);
    const previous = api.live.dataset as Dataset;
    api.live.swap(datasetFrom('another-version', movies));
    try {
      const after = await get('/v1/movies?genre=Western');
      assert.notEqual(after.headers.get('etag'), etag);
      assert.equal((await fetch(`${api.base}/v1/movies?genre=Western`, { headers: { 'if-none-match': etag } })).status, 200);
    } finally {
      api.live.swap(previous);
    }
  });

  test('X-Request-Id is echoed when sane and generated otherwise', async () => {
    const given = await fetch(`${api.base}/v1/genres`, { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(given.headers.get('x-request-id'), 'abc-123');
    const bad = await fetch(`${api.base}/v1/genres`, { headers: { 'x-request-id': 'has spaces and <tags>' } });
    const generated = bad.headers.get('x-request-id') ?? '';
    assert.ok(generated.length > 0 && generated !== 'has spaces and <tags>');
    const other = (await fetch(`${api.base}/v1/genres`)).headers.get('x-request-id');
    assert.notEqual(other, generated);
  });

  test('malformed parameters are 400 problems naming the parameter', async () => {
    await expectProblem('/v1/movies?year=abc', 400, /year must be a whole number/);
    await expectProblem('/v1/movies?year=19x6', 400, /year/);
    await expectProblem('/v1/movies?year=1996.0', 400, /year/);
    await expectProblem('/v1/movies?limit=0', 400, /limit must be a whole number from 1 to 100/);
    await expectProblem('/v1/movies?limit=101', 400, /limit/);
    await expectProblem('/v1/movies?limit=x', 400, /limit/);
    await expectProblem('/v1/movies?colour=red', 400, /unknown parameter "colour"/);
    await expectProblem('/v1/movies?year=1990&year=1991', 400, /year may be given only once/);
    await expectProblem('/v1/movies?title=%E0%A4%A', 400, /invalid percent-encoding/);
    const res = await get('/v1/movies?limit=abc');
    assert.equal((res.json as { parameter: string }).parameter, 'limit');
  });

  test('bad, tampered and foreign cursors are 400', async () => {
    const page = (await get('/v1/movies?genre=Drama&limit=5')).json as ListBody;
    const cursor = page.next_cursor as string;
    await expectProblem('/v1/movies?genre=Drama&cursor=garbage', 400, /cursor is not valid/);
    const tampered = cursor.slice(0, 3) + (cursor[3] === 'A' ? 'B' : 'A') + cursor.slice(4);
    await expectProblem(`/v1/movies?genre=Drama&cursor=${encodeURIComponent(tampered)}`, 400, /cursor is not valid/);
    await expectProblem(`/v1/movies?genre=Comedy&cursor=${encodeURIComponent(cursor)}`, 400, /different query/);
    const next = await get(`/v1/movies?genre=Drama&limit=5&cursor=${encodeURIComponent(cursor)}`);
    assert.equal(next.status, 200);
  });
});

describe('other endpoints', () => {
  test('GET /v1/movies/{id} returns the movie; unknown ids are 404', async () => {
    const movie = movies.find((m) => m.title === 'Mission: Impossible') as Movie;
    const res = await get(`/v1/movies/${movie.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, JSON.parse(JSON.stringify(movie)));
    await expectProblem('/v1/movies/0000000000000000', 404, /no movie has the id/);
    await expectProblem('/v1/movies/not-an-id', 404, /no movie has the id/);
    await expectProblem('/v1/movies/%E0%A4%A', 400, /not valid/);
  });

  test('GET /v1/movies/{id}/history is empty for seed data, 404 for unknown ids', async () => {
    const id = (movies[0] as Movie).id;
    assert.deepEqual((await get(`/v1/movies/${id}/history`)).json, { items: [] });
    await expectProblem('/v1/movies/0000000000000000/history', 404, /no movie/);
  });

  test('GET /v1/genres counts every genre, as counted straight from the data', async () => {
    const body = (await get('/v1/genres')).json as { items: { genre: string; count: number }[] };
    const drama = movies.filter((m) => m.genres.some((g) => g.toLowerCase() === 'drama')).length;
    assert.equal(body.items.find((g) => g.genre === 'Drama')?.count, drama);
    assert.equal(body.items.length, new Set(movies.flatMap((m) => m.genres.map((g) => g.toLowerCase()))).size);
  });

  test('health, readiness, status, metrics, OpenAPI and docs', async () => {
    assert.deepEqual((await get('/healthz')).json, { status: 'ok' });
    assert.equal((await get('/readyz')).status, 200);
    const status = (await get('/v1/status')).json as { version: string; movies: number };
    assert.equal(status.movies, movies.length);
    await get('/v1/movies?genre=Drama');
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    assert.match(metrics, /http_request_duration_seconds_bucket\{le="0.001",route="\/v1\/movies",status_code="200"\}/);
    assert.match(metrics, new RegExp(`cinedex_catalogue_movies ${movies.length}`));
    assert.match(metrics, /cinedex_data_info\{version="seed-test"\} 1/);
    const openapi = (await get('/openapi.json')).json as { openapi: string; paths: Record<string, unknown> };
    assert.equal(openapi.openapi, '3.1.0');
    for (const path of ['/v1/movies', '/v1/movies/{id}', '/v1/movies/{id}/history', '/v1/genres', '/v1/status', '/healthz', '/readyz']) {
      assert.ok(openapi.paths[path], `OpenAPI documents ${path}`);
    }
    const docs = await fetch(`${api.base}/docs`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
  });

  test('unknown routes and methods are problems', async () => {
    await expectProblem('/nowhere', 404, /there is no GET \/nowhere/);
    const res = await fetch(`${api.base}/v1/movies`, { method: 'DELETE' });
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
  });
});

describe('limits enforced at the socket', () => {
  test('an oversized URL is 414', async () => {
    await expectProblem(`/v1/movies?title=${'a'.repeat(9000)}`, 414, /longer than 8192 bytes/);
  });

  test('oversized headers are 431 problem+json', async () => {
    const res = await rawRequest(api.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.equal(res.status, 431);
    assert.match(res.headers, /content-type: application\/problem\+json/);
    assert.match(JSON.parse(res.body).detail, /exceed 16384 bytes/);
  });

  test('garbage instead of HTTP is a 400 problem', async () => {
    const res = await rawRequest(api.port, 'HELLO THERE\r\n\r\n');
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).status, 400);
  });
});

describe('before the catalogue is loaded', () => {
  test('data routes and readiness are 503 problems; liveness is 200', async () => {
    const empty = await startApi({ empty: true });
    try {
      const res = await fetch(`${empty.base}/v1/movies`);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '5');
      assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
      const ready = await fetch(`${empty.base}/readyz`);
      assert.equal(ready.status, 503);
      assert.match(((await ready.json()) as { detail: string }).detail, /not loaded/);
      assert.equal((await fetch(`${empty.base}/healthz`)).status, 200);
    } finally {
      await empty.app.close();
    }
  });
});
