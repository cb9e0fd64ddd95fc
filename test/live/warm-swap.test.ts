import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { Movie } from '../../src/catalogue/movie.js';
import { movieId } from '../../src/catalogue/id.js';
import { LiveCatalogue, type WarmReport } from '../../src/live/live-catalogue.js';
import { SnapshotRefresher } from '../../src/live/refresher.js';
import { registerRefreshMetrics } from '../../src/live/refresh-metrics.js';
import { seededFolder, silent } from '../support/catalogue-store.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { datasetFrom, seedIndex } from '../support/seed-index.js';
import { settlesWithin } from '../../src/runtime/settles-within.js';

const { movies } = seedIndex();

/** A movie the next version adds: newer than any, so it heads `title=matrix` and changes its total. */
const added: Movie = {
  id: movieId('The Matrix Warmed', 2031, 0),
  title: 'The Matrix Warmed',
  year: 2031,
  cast: ['Keanu Reeves'],
  genres: ['Action'],
};
const next = datasetFrom('next-version', [...movies, added]);
const current = () => datasetFrom('current-version', movies);

interface Page {
  items: Movie[];
  total?: number;
}

async function page(api: RunningApi, query: string): Promise<{ body: Page; etag: string | null }> {
  const res = await fetch(`${api.base}/v1/movies?${query}`);
  assert.equal(res.status, 200, await res.clone().text());
  return { body: (await res.json()) as Page, etag: res.headers.get('etag') };
}

/** The response cache's hit count, as /metrics reports it. */
async function cacheHits(api: RunningApi): Promise<number> {
  const text = await (await fetch(`${api.base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('cinedex_response_cache_lookups_total{result="hit"}'));
  assert.ok(line, 'the cache hit counter is exported');
  return Number(line.split(' ').at(-1));
}

/** Lets `n` turns of the event loop run (setImmediate is not mocked): what promises and I/O were due has happened. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function servingWithCache(): Promise<RunningApi> {
  const live = new LiveCatalogue();
  live.swap(current());
  const api = await startApi({ live, warmQueries: 100 });
  // The queries people asked: the cache holds them for the current version.
  for (const q of ['title=matrix&count=true', 'q=godfather', 'genre=Drama&year=1999']) await page(api, q);
  return api;
}

test('after a swap, a warmed query is answered from the cache with the new version, never the old one', async () => {
  const api = await servingWithCache();
  try {
    const before = await page(api, 'title=matrix&count=true');
    assert.ok(!before.body.items.some((m) => m.id === added.id));

    const report = await api.live.warmAndSwap(next, 5);
    assert.equal(report.queries, 3, 'every cached query was replayed against the new version');
    assert.equal(report.timedOut, false);
    assert.equal(api.live.dataset?.index.version, 'next-version');

    const hits = await cacheHits(api);
    const after = await page(api, 'title=matrix&count=true');
    assert.equal(await cacheHits(api), hits + 1, 'the first request after the swap is a cache hit');
    assert.equal(after.body.items[0]?.id, added.id, 'the warmed answer has the new data');
    assert.equal(after.body.total, (before.body.total ?? 0) + 1, 'the warmed total counts the new movie');
    assert.notEqual(after.etag, before.etag, 'the validator changes with the version');
  } finally {
    await api.app.close();
  }
});

test('requests keep being answered from the current version while the next one warms, and readiness never drops', async () => {
  const api = await servingWithCache();
  try {
    // A slow warmer beside the cache's: warming now takes at least 400 ms.
    let release = () => {};
    api.live.beforeSwap(() => new Promise((resolve) => (release = () => resolve({ install() {}, queries: 0, timedOut: false }))));
    const swapping = api.live.warmAndSwap(next, 5);
    const statuses: number[] = [];
    const during: Page[] = [];
    const started = performance.now();
    while (performance.now() - started < 400) {
      statuses.push((await fetch(`${api.base}/readyz`)).status);
      during.push((await page(api, 'title=matrix&count=true')).body);
    }
    release();
    await swapping;
    statuses.push((await fetch(`${api.base}/readyz`)).status);
    assert.ok(
      statuses.every((s) => s === 200),
      `readiness: ${statuses.join(',')}`,
    );
    assert.ok(
      during.every((p) => !p.items.some((m) => m.id === added.id)),
      'no request saw the new version before it was installed',
    );
    assert.equal((await page(api, 'title=matrix&count=true')).body.items[0]?.id, added.id);
  } finally {
    await api.app.close();
  }
});

test('a swap still happens when a warmer fails or outlives the deadline; the cache then serves what the new version computes', async () => {
  const api = await servingWithCache();
  try {
    api.live.beforeSwap(() => Promise.reject(new Error('warmer broke')));
    api.live.beforeSwap(() => new Promise(() => {}));
    // The wait is bounded by the deadline's timer, not by a reading of the wall clock: on a mocked clock the swap
    // waits for the warmer that never ends until the deadline plus its grace (0.2 s + 0.25 s) has passed, and not
    // before. The deadline itself is read from the real clock (performance.now), so the timer is set for at most 450
    // ms and at least the grace, 250 ms, however long the machine takes to get there.
    let swapped = false;
    mock.timers.enable({ apis: ['setTimeout'] });
    let swapping: Promise<WarmReport>;
    try {
      swapping = api.live.warmAndSwap(next, 0.2).finally(() => (swapped = true));
      await turns(3);
      mock.timers.tick(249);
      await turns(3);
      assert.equal(swapped, false, 'the swap waits for the warmers until the deadline and its grace');
      mock.timers.tick(201);
    } finally {
      mock.timers.reset();
    }
    // A bound for a swap that the deadline's timer did not release, far from the moment it takes.
    assert.ok(await settlesWithin(swapping, 30_000), 'the deadline and its grace bound the wait');
    const report = await swapping;
    assert.equal(api.live.dataset?.index.version, 'next-version', 'swapped despite both');
    assert.equal(report.failed, 1);
    assert.equal(report.timedOut, true);
    assert.equal((await page(api, 'title=matrix&count=true')).body.items[0]?.id, added.id);
  } finally {
    await api.app.close();
  }
});

test('warming stops at its deadline: the new version serves at once, its cache filling from requests', async () => {
  const api = await servingWithCache();
  try {
    const report = await api.live.warmAndSwap(next, 0);
    assert.equal(report.queries, 0);
    assert.equal(report.timedOut, true);
    const hits = await cacheHits(api);
    assert.equal((await page(api, 'title=matrix&count=true')).body.items[0]?.id, added.id);
    assert.equal(await cacheHits(api), hits, 'nothing was warmed: a miss, computed on the new version');
  } finally {
    await api.app.close();
  }
});

test('the refresher warms each new snapshot and reports it in its state and metrics', async () => {
  const s = await seededFolder(movies);
  const live = new LiveCatalogue();
  const refresher = new SnapshotRefresher(s.repository, live, silent, 5);
  assert.equal(await refresher.refresh(), 'swapped');
  const registry = new Registry();
  registerRefreshMetrics(registry, refresher);
  const api = await startApi({ live, registry, warmQueries: 100 });
  try {
    for (const q of ['title=matrix', 'q=godfather', 'q=casablanka']) await page(api, q);
    s.drop('acme/new.json', [{ title: added.title, year: added.year, cast: added.cast, genres: added.genres }], 1_700_000_000);
    assert.ok((await s.ingest()).published);
    assert.equal(await refresher.refresh(), 'swapped');
    assert.equal(refresher.state.lastWarm?.queries, 3);
    assert.equal((await page(api, 'title=matrix')).body.items[0]?.title, added.title);
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    assert.match(metrics, /^cinedex_warm_queries 3$/m);
    assert.match(metrics, /^cinedex_warm_seconds \d/m);
  } finally {
    await api.app.close();
  }
});
