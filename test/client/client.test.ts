import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import {
  Cinedex,
  CinedexAbortError,
  CinedexApiError,
  CinedexNetworkError,
  CinedexTimeoutError,
  type MoviePage,
  type MoviePageItem,
} from 'cinedex/client';
import type { Movie } from '../../src/catalogue/movie.js';
import { LiveCatalogue } from '../../src/live/live-catalogue.js';
import { SnapshotRefresher } from '../../src/live/refresher.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { seededFolder, silent } from '../support/catalogue-store.js';
import { refusedPort } from '../support/refused-port.js';
import { seedIndex } from '../support/seed-index.js';
import { startSilentServer, type SilentServer } from '../support/silent-server.js';

/**
 * The client against the real API on a socket: the seed, plus one provider update so that a movie
 * has a change history. Expected values come from the server's own answers (raw fetch, /v1/genres,
 * /v1/status) and the seed, never from the client under test.
 */
let api: RunningApi;
let client: Cinedex;
let cleanup: () => void;
let changed: Movie;

before(async () => {
  const { movies } = seedIndex();
  const store = await seededFolder(movies);
  cleanup = () => rmSync(store.root, { recursive: true, force: true });
  changed = movies.find((m) => m.title === 'Mission: Impossible' && m.year === 1996) as Movie;
  store.drop('acme/mission.json', [{ title: changed.title, year: changed.year, genres: ['Action', 'Spy'] }], 1_700_000_000);
  assert.ok((await store.ingest()).published);
  const live = new LiveCatalogue();
  assert.equal(await new SnapshotRefresher(store.repository, live, silent).refresh(), 'swapped');
  api = await startApi({ live });
  client = new Cinedex({ baseUrl: api.base });
});

after(async () => {
  await api?.app.close();
  cleanup?.();
});

async function raw<T>(path: string): Promise<T> {
  const response = await fetch(api.base + path);
  assert.equal(response.status, 200, path);
  return (await response.json()) as T;
}

async function allPages(params: Parameters<Cinedex['pages']>[0]): Promise<MoviePage[]> {
  const pages: MoviePage[] = [];
  for await (const page of client.pages(params)) pages.push(page);
  return pages;
}

describe('against the real server', () => {
  test('search() sends every parameter, repeatable ones repeated, and returns the page the server sends', async () => {
    const page = await client.search({ title: 'mission', cast: ['Tom Cruise', 'Jon Voight'], genre: ['Action'], year: 1996, limit: 5 });
    const expected = await raw<MoviePage>('/v1/movies?title=mission&cast=Tom+Cruise&cast=Jon+Voight&genre=Action&year=1996&limit=5');
    assert.deepEqual(page, expected);
    assert.deepEqual(
      page.items.map((m) => m.id),
      [changed.id],
    );
  });

  test('pages() follows next_cursor to the last page: as many movies as the server counts for the genre', async () => {
    const genres = await raw<{ items: { genre: string; count: number }[] }>('/v1/genres');
    const western = genres.items.find((g) => g.genre === 'Western');
    assert.ok(western && western.count > 250, 'a genre with several pages of movies');
    const pages = await allPages({ genre: ['Western'], limit: 100 });
    assert.equal(pages.length, Math.ceil(western.count / 100));
    const ids = pages.flatMap((p) => p.items.map((m) => m.id));
    assert.equal(ids.length, western.count);
    assert.equal(new Set(ids).size, ids.length, 'no movie twice');
    assert.ok(pages.every((p) => p.items.every((m) => m.genres.includes('Western'))));
    assert.ok(pages.slice(0, -1).every((p) => p.has_more && p.next_cursor !== null));
    assert.deepEqual([pages.at(-1)?.has_more, pages.at(-1)?.next_cursor], [false, null]);
  });

  test('pages() with no filter walks the whole catalogue, as many movies as /v1/status reports; movies() yields the same', async () => {
    const { movies } = await raw<{ movies: number }>('/v1/status');
    const ids = (await allPages({ limit: 100 })).flatMap((p) => p.items.map((m) => m.id));
    assert.equal(ids.length, movies);
    assert.equal(new Set(ids).size, movies);
    const items: MoviePageItem[] = [];
    for await (const movie of client.movies({ year: 1919, limit: 7 })) items.push(movie);
    assert.deepEqual(
      items.map((m) => m.id),
      (await allPages({ year: 1919, limit: 100 })).flatMap((p) => p.items.map((m) => m.id)),
    );
    assert.equal(items.length, seedIndex().movies.filter((m) => m.year === 1919).length);
  });

  test('pages() starts from a given cursor', async () => {
    const first = await client.search({ year: 2000, limit: 10 });
    const rest = await allPages({ year: 2000, limit: 10, cursor: first.next_cursor as string });
    assert.deepEqual(
      rest[0],
      await raw<MoviePage>(`/v1/movies?year=2000&limit=10&cursor=${encodeURIComponent(first.next_cursor as string)}`),
    );
  });

  test('movie(), history(), genres() and status() return what the server sends', async () => {
    const movie = await client.movie(changed.id);
    assert.deepEqual(movie, await raw(`/v1/movies/${changed.id}`));
    assert.deepEqual(movie.genres, ['Action', 'Spy'], 'the ingested change is served');
    const history = await client.history(changed.id);
    assert.deepEqual(history, await raw(`/v1/movies/${changed.id}/history`));
    assert.equal(history.items[0]?.field, 'genres');
    assert.deepEqual(history.items[0]?.new, ['Action', 'Spy']);
    assert.equal(history.items[0]?.provider, 'acme');
    assert.deepEqual(await client.genres(), await raw('/v1/genres'));
    const status = await client.status();
    assert.equal(status.movies, seedIndex().movies.length);
    assert.equal(status.version, (await raw<{ version: string }>('/v1/status')).version);
  });

  test('a 400 is a CinedexApiError with the problem fields, the parameter at fault included', async () => {
    const error = await client.search({ limit: 500 }).then(
      () => assert.fail('a limit over 100 is refused'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CinedexApiError);
    assert.equal(error.code, 'API_ERROR');
    assert.equal(error.status, 400);
    assert.equal(error.parameter, 'limit');
    assert.equal(error.title, 'Bad Request');
    assert.match(error.type, /^https?:\/\//);
    assert.match(error.detail, /^limit must be a whole number from 1 to 100, got "500"$/);
    assert.equal(error.message, `the server answered 400 Bad Request: ${error.detail}`);
    assert.equal(error.url, `${api.base}/v1/movies?limit=500`);
  });

  test('an unknown movie is a CinedexApiError with status 404', async () => {
    for (const call of [() => client.movie('0000000000000000'), () => client.history('0000000000000000')]) {
      await assert.rejects(
        call(),
        (e: unknown) => e instanceof CinedexApiError && e.status === 404 && /no movie has the id/.test(e.detail),
      );
    }
  });

  test('an API key is sent as X-Api-Key', async () => {
    const KEY = 'client-test-key-0123456789';
    const strict = await startApi({ access: { keys: new Map([[KEY, 'acme']]), requireApiKey: true, rateLimit: 0, rateBurst: 0 } });
    try {
      await assert.rejects(
        new Cinedex({ baseUrl: strict.base }).genres(),
        (e: unknown) => e instanceof CinedexApiError && e.status === 401,
      );
      assert.ok((await new Cinedex({ baseUrl: strict.base, apiKey: KEY }).genres()).items.length > 0);
    } finally {
      await strict.app.close();
    }
  });
});

describe('when the server does not answer as the API does', () => {
  let silentServer: SilentServer;
  before(async () => {
    silentServer = await startSilentServer();
  });
  after(() => silentServer.close());

  test('a server that accepts and never answers is a CinedexTimeoutError after the client timeout, or the call timeout', async () => {
    const started = Date.now();
    await assert.rejects(
      new Cinedex({ baseUrl: silentServer.base, timeoutMs: 200 }).status(),
      (e: unknown) => e instanceof CinedexTimeoutError && e.code === 'TIMEOUT' && e.timeoutMs === 200 && /within 200 ms/.test(e.message),
    );
    assert.ok(Date.now() - started >= 190, 'not before the timeout');
    await assert.rejects(
      new Cinedex({ baseUrl: silentServer.base, timeoutMs: 600_000 }).genres({ timeoutMs: 150 }),
      (e: unknown) => e instanceof CinedexTimeoutError && e.timeoutMs === 150,
    );
  });

  test('an AbortSignal cancels a call in flight, and an aborted one before it connects', async () => {
    const slow = new Cinedex({ baseUrl: silentServer.base, timeoutMs: 600_000 });
    const controller = new AbortController();
    const connected = silentServer.nextConnection();
    const call = slow.search({ title: 'x' }, { signal: controller.signal });
    await connected;
    const reason = new Error('the user went away');
    controller.abort(reason);
    await assert.rejects(call, (e: unknown) => e instanceof CinedexAbortError && e.code === 'ABORTED' && e.cause === reason);
    const before = silentServer.connections();
    await assert.rejects(slow.status({ signal: AbortSignal.abort() }), (e: unknown) => e instanceof CinedexAbortError);
    assert.equal(silentServer.connections(), before, 'no connection for a call aborted beforehand');
  });

  test('a refused connection is a CinedexNetworkError naming the cause', async () => {
    // Held refusing for the whole request: a port found free could be taken by another test file's server meanwhile.
    const { port, release } = await refusedPort();
    try {
      await assert.rejects(
        new Cinedex({ baseUrl: `http://127.0.0.1:${port}` }).status(),
        (e: unknown) =>
          e instanceof CinedexNetworkError &&
          e.code === 'NETWORK_ERROR' &&
          e.message === `cannot reach the cinedex server at http://127.0.0.1:${port} (ECONNREFUSED)`,
      );
    } finally {
      await release();
    }
  });

  test("an error that is not problem+json (a proxy's page) is still a CinedexApiError, and a 200 that is not JSON a network error", async () => {
    const proxy = createServer((req, res) => {
      if (req.url === '/v1/genres') res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>upstream down</body></html>');
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>captive portal</html>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = new Cinedex({ baseUrl: `http://127.0.0.1:${(proxy.address() as { port: number }).port}` });
    try {
      await assert.rejects(
        proxied.genres(),
        (e: unknown) =>
          e instanceof CinedexApiError &&
          e.status === 502 &&
          e.type === 'about:blank' &&
          e.title === 'Bad Gateway' &&
          e.detail === '<html><body>upstream down</body></html>' &&
          e.parameter === undefined,
      );
      await assert.rejects(proxied.status(), (e: unknown) => e instanceof CinedexNetworkError && /is not JSON/.test(e.message));
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});

test('the client asks for br or gzip, and reads the compressed answer as the identity one', async () => {
  const api = await startApi();
  const seen: (string | undefined)[] = [];
  api.app.server.on('request', (req) => seen.push(req.headers['accept-encoding']));
  try {
    const client = new Cinedex({ baseUrl: api.base });
    const genres = await client.genres();
    const identity = (await (await fetch(`${api.base}/v1/genres`, { headers: { 'accept-encoding': 'identity' } })).json()) as typeof genres;
    assert.deepEqual(genres, identity);
    assert.equal(seen[0], 'br, gzip');
  } finally {
    await api.app.close();
  }
});
