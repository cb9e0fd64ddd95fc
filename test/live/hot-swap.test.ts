import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import type { Movie } from '../../src/catalogue/movie.js';
import { LiveCatalogue } from '../../src/live/live-catalogue.js';
import { SnapshotRefresher } from '../../src/live/refresher.js';
import { referenceSearch } from '../support/reference-search.js';
import { seededFolder, silent } from '../support/catalogue-store.js';
import { startApi } from '../support/api-server.js';
import { blockingMonitor } from '../support/event-loop.js';
import { seedIndex } from '../support/seed-index.js';

const { movies } = seedIndex();

function get(port: number, path: string, agent: Agent): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('snapshots swap in under load: no failed request, and paging across swaps neither repeats nor skips', async () => {
  const s = await seededFolder(movies);
  const live = new LiveCatalogue();
  const refresher = new SnapshotRefresher(s.repository, live, silent);
  assert.equal(await refresher.refresh(), 'swapped');
  const api = await startApi({ live });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const paths = [
    '/v1/movies?genre=Drama',
    '/v1/movies?title=love',
    '/v1/movies?year=1950',
    '/v1/genres',
    `/v1/movies/${(movies[5] as Movie).id}`,
  ];
  const failures: string[] = [];
  let requests = 0;
  let longestBlockMs = 0;
  let running = true;
  const loops = Array.from({ length: 6 }, async (_, n) => {
    for (let i = n; running; i++) {
      const res = await get(api.port, paths[i % paths.length] as string, agent);
      requests++;
      if (res.status !== 200) failures.push(`${res.status} ${res.body.slice(0, 200)}`);
    }
  });

  // A client pages through Westerns while the data changes underneath; the updates never touch Westerns.
  const westerns = referenceSearch(movies, { cast: [], genres: ['western'] }).map((m) => m.id);
  const seen: string[] = [];
  let cursor: string | null = null;
  const versions = new Set<string>();
  const touchable = movies.filter((m) => !m.genres.some((g) => g.toLowerCase() === 'western'));
  for (let swap = 0; swap < 4; swap++) {
    for (let page = 0; page < 8; page++) {
      const res = await get(api.port, `/v1/movies?genre=Western&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, agent);
      assert.equal(res.status, 200);
      const body = JSON.parse(res.body) as { items: Movie[]; next_cursor: string | null };
      seen.push(...body.items.map((m) => m.id));
      cursor = body.next_cursor;
    }
    s.drop(
      `acme/swap-${swap}.json`,
      Array.from({ length: 200 }, (_, i) => {
        const m = touchable[(swap * 997 + i * 31) % touchable.length] as Movie;
        return i % 10 === 0 ? { title: m.title, year: m.year, deleted: true } : { title: m.title, year: m.year, cast: [`Swap ${swap}`] };
      }),
      1_700_000_000 + swap,
    );
    assert.ok((await s.ingest()).published);
    await new Promise((r) => setTimeout(r, 300));
    // Only the swap is watched: the test's own ingestion runs in this process too, unsliced.
    const monitor = blockingMonitor();
    assert.equal(await refresher.refresh(), 'swapped');
    longestBlockMs = Math.max(longestBlockMs, monitor.stop().longestMs);
    versions.add(live.dataset?.index.version ?? '');
  }
  while (cursor) {
    const res = await get(api.port, `/v1/movies?genre=Western&limit=50&cursor=${encodeURIComponent(cursor)}`, agent);
    const body = JSON.parse(res.body) as { items: Movie[]; next_cursor: string | null };
    seen.push(...body.items.map((m) => m.id));
    cursor = body.next_cursor;
  }
  running = false;
  await Promise.all(loops);
  agent.destroy();
  await api.app.close();

  assert.equal(versions.size, 4, 'four new versions were swapped in');
  assert.deepEqual(failures, []);
  assert.ok(requests > 200, `the load loop ran (${requests} requests)`);
  assert.deepEqual(seen, westerns, 'every Western exactly once, in order, across four swaps');
  // Loading and indexing yield to the event loop every few milliseconds; a build that blocked it
  // would show as one gap of several hundred milliseconds of CPU (see blockingMonitor); GC pauses
  // and slices stay well under the bound.
  assert.ok(longestBlockMs < 200, `the event loop was kept busy for ${longestBlockMs.toFixed(1)} ms of CPU at a stretch during a swap`);
});
