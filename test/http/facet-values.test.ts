import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cinedex, CinedexApiError } from '../../src/client/index.js';
import { startApi, type RunningApi } from '../support/api-server.js';

/** GET /v1/facets/{cast|genre}: docs/api.md's examples over a real socket, through fetch and the typed client, and its 400s. */

let api: RunningApi;
before(async () => {
  api = await startApi();
});
after(() => api.app.close());

async function get(path: string): Promise<{ status: number; type: string; etag: string | null; json: unknown }> {
  const res = await fetch(api.base + path);
  return { status: res.status, type: res.headers.get('content-type') ?? '', etag: res.headers.get('etag'), json: await res.json() };
}

test('`tom ha` in the cast facet: Tom Hanks, then Tom Hardy, each with its number of movies', async () => {
  const res = await get('/v1/facets/cast?q=tom%20ha');
  assert.equal(res.status, 200);
  assert.match(res.type, /^application\/json/);
  const items = (res.json as { items: { value: string; count: number }[] }).items;
  assert.deepEqual(
    items.slice(0, 2).map((v) => v.value),
    ['Tom Hanks', 'Tom Hardy'],
  );
  assert.ok((items[0]?.count ?? 0) > (items[1]?.count ?? 0));
});

test('the counts follow the filters of /v1/movies: Tom Hanks in dramas of the 1990s, as /v1/movies counts them', async () => {
  const filters = 'genre=Drama&year_from=1990&year_to=1999';
  const found = (await get(`/v1/facets/cast?q=tom+hanks&${filters}`)).json as { items: { value: string; count: number }[] };
  const movies = (await get(`/v1/movies?cast=Tom+Hanks&${filters}&count=true&limit=1`)).json as { total: number };
  assert.deepEqual(found.items[0], { value: 'Tom Hanks', count: movies.total });
});

test('the typed client searches the genre facet, typos allowed', async () => {
  const cinedex = new Cinedex({ baseUrl: api.base });
  const { items } = await cinedex.facetValues('genre', { q: 'comdy', limit: 3 });
  assert.equal(items[0]?.value, 'Comedy');
  await assert.rejects(cinedex.facetValues('genre', { q: '' }), (e: unknown) => e instanceof CinedexApiError && e.status === 400);
});

test('answers carry an ETag and honour If-None-Match', async () => {
  const first = await get('/v1/facets/genre?q=west');
  assert.ok(first.etag);
  const again = await fetch(`${api.base}/v1/facets/genre?q=west`, { headers: { 'if-none-match': first.etag } });
  assert.equal(again.status, 304);
});

test('bad parameters are problem+json 400s naming the parameter', async () => {
  for (const [path, parameter] of [
    ['/v1/facets/cast', 'q'],
    ['/v1/facets/cast?q=tom&sort=year:asc', 'sort'],
    ['/v1/facets/cast?q=tom&limit=0', 'limit'],
    ['/v1/facets/cast?q=tom&year_from=2000&year_to=1990', 'year_from'],
    ['/v1/facets/cast?q=tom&bogus=1', undefined],
    ['/v1/facets/year?q=19', undefined],
  ] as const) {
    const res = await get(path);
    assert.equal(res.status, 400, path);
    assert.match(res.type, /^application\/problem\+json/, path);
    const body = res.json as { status: number; detail: string; parameter?: string };
    assert.equal(body.status, 400);
    if (parameter !== undefined) assert.equal(body.parameter, parameter, `${path}: ${body.detail}`);
  }
});
