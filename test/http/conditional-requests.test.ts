import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Movie } from '../../src/catalogue/movie.js';
import { LiveCatalogue } from '../../src/live/live-catalogue.js';
import { webRoutes } from '../../src/web/web-routes.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { exchange } from '../support/raw-http.js';
import { datasetFrom, seedIndex } from '../support/seed-index.js';

const ACCEPT = [undefined, 'identity', 'gzip', 'br', 'br;q=0, gzip'];
/** The answers of status and health change from one moment to the next: they are no-store and have no validator. */
const UNCACHED = ['/v1/status', '/healthz', '/readyz', '/metrics'];

let api: RunningApi;
let paths: string[];

before(async () => {
  // The seed's records are all under the compression floor: one movie gets an extract that takes it over.
  const { movies } = seedIndex();
  const [large, small] = movies as [Movie, Movie];
  const extract = 'A long synopsis, as the wikipedia extracts of well-known films are. '.repeat(30);
  const live = new LiveCatalogue();
  live.swap(
    datasetFrom(
      'conditional',
      movies.map((m) => (m === large ? { ...m, extract } : m)),
    ),
  );
  api = await startApi({ live, plugins: [webRoutes()] });
  paths = [
    '/v1/movies?genre=drama&limit=20',
    '/v1/movies?title=matrix&limit=1',
    '/v1/genres',
    '/v1/facets/cast?q=tom',
    '/v1/facets/genre?q=dr',
    `/v1/movies/${large.id}`,
    `/v1/movies/${small.id}`,
    `/v1/movies/${small.id}/history`,
    '/openapi.json',
    '/',
    '/app.js',
    '/style.css',
  ];
});
after(() => api.app.close());

test('every GET answer with an ETag answers If-None-Match naming any of its representations with a 304 that carries the tag and Vary its 200 would have had', async () => {
  let compressed = 0;
  let single = 0;
  for (const path of paths) {
    const answers = [];
    for (const accept of ACCEPT) {
      const answer = await exchange(api.port, path, accept === undefined ? {} : { 'accept-encoding': accept });
      assert.equal(answer.status, 200, path);
      assert.ok(typeof answer.headers.etag === 'string', `${path} has an ETag`);
      answers.push({ accept, answer });
    }
    const tags = new Set(answers.map(({ answer }) => answer.headers.etag as string));
    if (tags.size > 1) compressed++;
    else single++;
    for (const { accept, answer } of answers) {
      const headers: Record<string, string> = accept === undefined ? {} : { 'accept-encoding': accept };
      for (const tag of [...tags, `W/${[...tags][0] as string}`, `"other", ${[...tags].join(', ')}`]) {
        const revalidated = await exchange(api.port, path, { ...headers, 'if-none-match': tag });
        const what = `${path}, Accept-Encoding ${accept ?? '(none)'}, If-None-Match ${tag}`;
        assert.equal(revalidated.status, 304, what);
        assert.equal(revalidated.headers.etag, answer.headers.etag, `${what}: the 304 names the representation the 200 was`);
        assert.equal(revalidated.headers.vary, answer.headers.vary, what);
        assert.equal(revalidated.headers['cache-control'], answer.headers['cache-control'], what);
        assert.equal(revalidated.body.length, 0, what);
        assert.equal(revalidated.headers['content-type'], undefined, what);
        assert.equal(revalidated.headers['content-encoding'], undefined, what);
      }
      const stale = await exchange(api.port, path, { ...headers, 'if-none-match': '"stale"' });
      assert.equal(stale.status, 200, `${path}: another tag is another answer`);
      assert.deepEqual(stale.body, answer.body, path);
    }
  }
  assert.ok(compressed >= 6 && single >= 3, `both kinds covered: ${compressed} answers in several representations, ${single} in one`);
});

test('a tag from another data version, or of another answer, is not a match', async () => {
  const genres = await exchange(api.port, '/v1/genres', {});
  const drama = await exchange(api.port, '/v1/facets/genre?q=dr', {});
  const other = await exchange(api.port, '/v1/facets/genre?q=dr', { 'if-none-match': String(genres.headers.etag) });
  assert.equal(other.status, 200);
  assert.deepEqual(other.body, drama.body);
  const version = String(genres.headers.etag).replace(/^"[^.]+/, '"0000');
  assert.equal((await exchange(api.port, '/v1/genres', { 'if-none-match': version })).status, 200);
});

test('status and health answers are not cached: no-store, no ETag, never a 304', async () => {
  for (const path of UNCACHED) {
    const answer = await exchange(api.port, path, {});
    assert.equal(answer.headers['cache-control'], 'no-store', path);
    assert.equal(answer.headers.etag, undefined, path);
    assert.equal((await exchange(api.port, path, { 'if-none-match': '*' })).status, 200, path);
  }
});
