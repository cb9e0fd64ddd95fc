import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { memoryOf, swapsSeen, type ProcessSample } from '../soak/figures.js';
import { momentOf, splitByMoment, type Moment, type SwapMoment } from '../soak/moments.js';
import { readStatus, servesLast, warmFields, warmMetrics, type StatusSample } from '../soak/observe.js';
import { busyTicks } from '../lib/proc.js';
import { LatencyLog, slopePerMinute, summarise, windowedP99 } from '../soak/samples.js';
import { latencyBins } from '../soak/record.js';
import { expectedMovies, movieKey, UpdatePlan, type MovieFacts, type UpdateFile } from '../soak/updates.js';

const GENRES = ['Comedy', 'Drama', 'Horror', 'Western', 'Musical'];

/** 300 made-up movies, years 1950–1979, two cast members and a genre each. */
function pool(size = 300): MovieFacts[] {
  return Array.from({ length: size }, (_, i) => ({
    id: `id${i}`,
    title: `Movie ${i}`,
    year: 1950 + (i % 30),
    cast: [`Actor ${i % 40}`, `Actor ${(i + 7) % 40}`],
    genres: [GENRES[i % GENRES.length] as string],
  }));
}

function files(plan: UpdatePlan, count: number): UpdateFile[] {
  return Array.from({ length: count }, (_, i) => plan.file(i + 1));
}

describe('soak update files', () => {
  test('file n is the same whatever order the pool came in, and differs from file n + 1', () => {
    const movies = pool();
    const shuffled = [...movies].reverse();
    shuffled.push(movies[3] as MovieFacts); // seen twice: two answers held it
    for (let n = 1; n <= 12; n++) assert.deepEqual(new UpdatePlan(shuffled).file(n), new UpdatePlan(movies).file(n));
    assert.notDeepEqual(new UpdatePlan(movies).file(1).records, new UpdatePlan(movies).file(2).records);
    assert.equal(new UpdatePlan(movies).file(7).name, 'update-00007.json');
  });

  test('an update states one field of a pool movie: its old list plus one item it lacked', () => {
    const movies = pool();
    const byKey = new Map(movies.map((m) => [movieKey(m), m]));
    const plan = new UpdatePlan(movies);
    for (const file of files(plan, 20)) {
      const updates = file.records.filter((r) => byKey.has(movieKey(r)) && r.deleted === undefined);
      assert.equal(updates.length, 30);
      assert.equal(new Set(updates.map(movieKey)).size, updates.length, 'a movie at most once per file');
      for (const record of updates) {
        const before = byKey.get(movieKey(record)) as MovieFacts;
        const stated = record.cast !== undefined ? { now: record.cast, was: before.cast } : { now: record.genres, was: before.genres };
        assert.ok((record.cast === undefined) !== (record.genres === undefined), 'exactly one of cast and genres');
        assert.deepEqual(stated.now?.slice(0, -1), stated.was);
        assert.ok(!stated.was.includes(stated.now?.at(-1) as string));
      }
    }
  });

  test('new movies are new, recent and unique across files; one deletion every 4th file, of a movie no file updates', () => {
    const movies = pool();
    const byKey = new Map(movies.map((m) => [movieKey(m), m]));
    const all = files(new UpdatePlan(movies), 40);
    const created = all.flatMap((f) => f.records.filter((r) => !byKey.has(movieKey(r))));
    assert.equal(created.length, 40 * 3);
    assert.equal(new Set(created.map(movieKey)).size, created.length);
    assert.ok(created.every((r) => r.year >= 2019 && (r.cast?.length ?? 0) > 0 && r.genres?.length === 1));
    const deleted = all.map((f) => f.records.filter((r) => r.deleted === true));
    all.forEach((_, i) => assert.equal(deleted[i]?.length, (i + 1) % 4 === 0 ? 1 : 0, `file ${i + 1}`));
    const deletedKeys = new Set(deleted.flat().map(movieKey));
    assert.equal(deletedKeys.size, 10, 'each deletion a different movie');
    const updatedKeys = new Set(all.flatMap((f) => f.records.filter((r) => r.deleted === undefined).map(movieKey)));
    assert.ok([...deletedKeys].every((key) => byKey.has(key) && !updatedKeys.has(key)));
  });

  test('deletions stop when the pool has no more candidates', () => {
    const small = new UpdatePlan(pool(20));
    const deletions = files(small, 400).flatMap((f) => f.records.filter((r) => r.deleted === true));
    assert.ok(deletions.length < 20);
    assert.equal(new Set(deletions.map(movieKey)).size, deletions.length);
  });

  test('the expected catalogue keeps the last stated value of each field, new movies, and deletions', () => {
    const a: MovieFacts = { id: 'a1', title: 'Alpha', year: 1960, cast: ['Ann'], genres: ['Drama'] };
    const b: MovieFacts = { id: 'b1', title: 'Beta', year: 1961, cast: ['Bob'], genres: ['Comedy'] };
    const updates: UpdateFile[] = [
      { name: 'update-00001.json', records: [{ title: 'Alpha', year: 1960, cast: ['Ann', 'Xavier'] }] },
      {
        name: 'update-00002.json',
        records: [
          { title: 'Alpha', year: 1960, genres: ['Drama', 'Horror'] },
          { title: 'Gamma', year: 2020, cast: ['Gus'], genres: ['Western'] },
        ],
      },
      {
        name: 'update-00003.json',
        records: [
          { title: 'Alpha', year: 1960, cast: ['Ann', 'Zoe'] },
          { title: 'Beta', year: 1961, deleted: true },
        ],
      },
    ];
    const expected = expectedMovies([a, b], updates);
    assert.deepEqual(
      [...expected.values()].sort((x, y) => x.title.localeCompare(y.title)),
      [
        { id: 'a1', title: 'Alpha', year: 1960, cast: ['Ann', 'Zoe'], genres: ['Drama', 'Horror'], deleted: false },
        { id: 'b1', title: 'Beta', year: 1961, cast: ['Bob'], genres: ['Comedy'], deleted: true },
        { title: 'Gamma', year: 2020, cast: ['Gus'], genres: ['Western'], deleted: false },
      ],
    );
  });
});

describe('soak figures', () => {
  test('percentiles are nearest-rank over the whole sample', () => {
    const sample = Float32Array.from({ length: 1000 }, (_, i) => ((i * 373) % 1000) + 1);
    assert.deepEqual(summarise(sample), { count: 1000, p50Ms: 500, p99Ms: 990, p999Ms: 999, maxMs: 1000 });
    assert.ok(Number.isNaN(summarise(new Float32Array(0)).p99Ms));
  });

  test('the slope is per minute, by least squares', () => {
    const line = Array.from({ length: 11 }, (_, i) => ({ at: i * 6000, value: 200 + 3 * (i / 10) }));
    assert.ok(Math.abs(slopePerMinute(line) - 3) < 1e-9);
    // Symmetric noise around a flat line leaves it flat.
    const flat = Array.from({ length: 20 }, (_, i) => ({ at: i * 1000, value: 250 + (i % 2 === 0 ? 5 : -5) * (i % 4 < 2 ? 1 : -1) }));
    assert.ok(Math.abs(slopePerMinute(flat)) < 1);
    assert.ok(Number.isNaN(slopePerMinute([{ at: 0, value: 1 }])));
    assert.ok(
      Number.isNaN(
        slopePerMinute([
          { at: 5, value: 1 },
          { at: 5, value: 9 },
        ]),
      ),
    );
  });

  test('a log grows past its first buffer and splits by send time into windows', () => {
    const log = new LatencyLog();
    // 100,000 requests over 10 s; the second half has a 2 % tail of 50 ms, which is 1 % of the whole.
    for (let i = 0; i < 100_000; i++) log.push(1_000_000 + i / 10, i >= 50_000 && i % 50 === 0 ? 50 : 1);
    assert.equal(log.length, 100_000);
    assert.deepEqual(windowedP99(log, 1_000_000, 1_010_000, 2), [1, 50]);
    assert.equal(log.between(1_000_000, 1_005_000).length, 50_000);
    assert.equal(log.summary().p99Ms, 1);
  });

  test('a request is "loading" while a worker loads, "just swapped" right after, else "between swaps"', () => {
    const swaps: SwapMoment[] = [
      { pid: 1, loadStartedAt: 1000, swappedAt: 2000 },
      { pid: 2, swappedAt: 2500 },
    ];
    assert.equal(momentOf(999, swaps, 1000), 'between swaps');
    assert.equal(momentOf(1500, swaps, 1000), 'loading');
    assert.equal(momentOf(2000, swaps, 1000), 'just swapped');
    assert.equal(momentOf(2400, swaps, 1000), 'just swapped');
    assert.equal(momentOf(3499, swaps, 1000), 'just swapped');
    assert.equal(momentOf(3500, swaps, 1000), 'between swaps');
    // One worker loading while the other has just swapped: loading.
    assert.equal(momentOf(2600, [...swaps, { pid: 1, loadStartedAt: 2550, swappedAt: 4000 }], 1000), 'loading');
  });

  test('splitting a log by moment agrees with asking each request on its own', () => {
    const swap = fc.record({
      pid: fc.integer({ min: 1, max: 2 }),
      swappedAt: fc.integer({ min: 0, max: 20_000 }),
      loadMs: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(swap, { maxLength: 12 }),
        fc.array(fc.integer({ min: -2000, max: 25_000 }), { maxLength: 200 }),
        (raw, times) => {
          const swaps: SwapMoment[] = raw.map((s) => ({
            pid: s.pid,
            swappedAt: s.swappedAt,
            ...(s.loadMs !== undefined ? { loadStartedAt: s.swappedAt - s.loadMs } : {}),
          }));
          const log = new LatencyLog();
          times.forEach((at, i) => log.push(at, i));
          const split = splitByMoment(log, swaps, 1000);
          for (const [moment, part] of split)
            for (let i = 0; i < part.length; i++) assert.equal(momentOf(part.sentAt(i), swaps, 1000), moment as Moment);
          assert.equal(
            [...split.values()].reduce((n, part) => n + part.length, 0),
            times.length,
          );
        },
      ),
    );
  });

  test('memory: the floor of each window, and its slope without the first window', () => {
    // A sawtooth between a floor and floor + 300 MiB, one tooth every 10 s, over 100 s in 10 windows.
    const sawtooth = (floor: (t: number) => number): ProcessSample[] =>
      Array.from({ length: 101 }, (_, t) => ({ at: t * 1000, pid: 5, mib: floor(t) + 30 * (t % 10), ticks: 0 }));
    const flat = memoryOf(
      sawtooth((t) => (t < 10 ? 100 + 10 * t : 300)),
      5,
      'worker',
      0,
      100_000,
      10,
    );
    assert.deepEqual(flat.floorMiB, [100, 300, 300, 300, 300, 300, 300, 300, 300, 300]);
    assert.equal(flat.floorSlopeMiBPerMin, 0);
    assert.deepEqual([flat.startMiB, flat.minMiB, flat.maxMiB], [100, 100, 570]);
    const leaking = memoryOf(
      sawtooth((t) => 300 + t),
      5,
      'worker',
      0,
      100_000,
      10,
    );
    assert.ok(Math.abs(leaking.floorSlopeMiBPerMin - 60) < 1e-9, `${leaking.floorSlopeMiBPerMin}`);
    assert.ok(Number.isNaN(memoryOf([], 5, 'worker', 0, 100_000, 10).floorSlopeMiBPerMin));
  });

  test('per minute: the cores from the CPU ticks within each whole minute, the lowest RSS, and the slope of the cores', () => {
    // Three minutes and a bit, a look a second: 50 ticks a second in the first minute (half a core),
    // 100 in the second and third; RSS dips to 200 + 10 × minute once a minute.
    const ticksAt = (t: number) => (t <= 60 ? 50 * t : 3000 + 100 * (t - 60));
    const samples: ProcessSample[] = Array.from({ length: 200 }, (_, t) => ({
      at: t * 1000,
      pid: 5,
      mib: t % 60 === 30 ? 200 + 10 * Math.floor(t / 60) : 500,
      ticks: ticksAt(t),
    }));
    const figures = memoryOf(samples, 5, 'primary', 0, 199_000, 10);
    assert.deepEqual(
      figures.perMinute.map((m) => m.cores),
      [0.5, 1, 1],
    );
    assert.deepEqual(
      figures.perMinute.map((m) => m.floorMiB),
      [200, 210, 220],
    );
    assert.ok(Math.abs(figures.coresSlopePerMin - 0.25) < 1e-9, `${figures.coresSlopePerMin}`);
  });

  test('each swap counts once, with the load start only from a look that came before the next check', () => {
    const look = (at: number, lastCheck: number, loadedAt: number, pid = 7): StatusSample => ({
      at,
      pid,
      version: `v${loadedAt}`,
      loadedAt,
      lastCheck,
      ingested: [],
      warm: {},
    });
    const swaps = swapsSeen([look(2100, 1500, 2000), look(2600, 2500, 2000), look(3100, 3000, 2000), look(5200, 5150, 5100, 8)]);
    assert.deepEqual(swaps, [
      { pid: 7, swappedAt: 2000, loadStartedAt: 1500 },
      { pid: 8, swappedAt: 5100 },
    ]);
  });
});

describe('soak status and metrics', () => {
  test('a /v1/status answer gives the process, version, swap times, ingested keys and any warm figures', () => {
    const body = JSON.stringify({
      version: '3-abc',
      movies: 10,
      snapshotCreatedAt: '2026-01-01T00:00:01.000Z',
      loadedAt: '2026-01-01T00:00:03.500Z',
      lastIngestionRun: { id: 'run-3', objects: [{ key: 'soak/update-00002.json' }] },
      pid: 42,
      refresh: { lastCheck: '2026-01-01T00:00:02.000Z' },
      warm: { lastMs: 12.5, queries: 300, at: '2026-01-01T00:00:03.000Z' },
      cache: { warmHits: 3, hits: 9 },
    });
    assert.deepEqual(readStatus(body, 99), {
      at: 99,
      pid: 42,
      version: '3-abc',
      snapshotCreatedAt: Date.UTC(2026, 0, 1, 0, 0, 1),
      loadedAt: Date.UTC(2026, 0, 1, 0, 0, 3, 500),
      lastCheck: Date.UTC(2026, 0, 1, 0, 0, 2),
      ingested: ['soak/update-00002.json'],
      warm: { 'warm.lastMs': 12.5, 'warm.queries': 300, 'cache.warmHits': 3 },
    });
    assert.equal(readStatus(JSON.stringify({ version: '1-a' }), 1), undefined, 'no pid: not a serving process answer');
    assert.deepEqual(warmFields({ version: 'x', movies: 3 }), {});
  });

  test('the last file is served once every worker serves the run that took it, or, without runs, one steady version', () => {
    const look = (pid: number, version: string, ingested?: string[]): StatusSample => ({
      at: 0,
      pid,
      version,
      warm: {},
      ...(ingested ? { ingested } : {}),
    });
    const key = 'soak/update-00009.json';
    assert.equal(servesLast([look(1, 'v9', [key]), look(2, 'v9', ['soak/update-00008.json', key])], key, false), true);
    assert.equal(servesLast([look(1, 'v9', [key]), look(2, 'v8', ['soak/update-00008.json'])], key, true), false);
    assert.equal(servesLast([look(1, 'v9', [key]), undefined], key, true), false);
    assert.equal(servesLast([look(1, 'v9'), look(2, 'v9')], key, false), false, 'not steady yet');
    assert.equal(servesLast([look(1, 'v9'), look(2, 'v9')], key, true), true);
    assert.equal(servesLast([look(1, 'v9'), look(2, 'v8')], key, true), false);
    assert.equal(servesLast([look(1, 'v9'), undefined], key, true), false);
    const noRuns = readStatus(JSON.stringify({ version: '2-b', pid: 3 }), 1);
    assert.equal(noRuns?.ingested, undefined);
    assert.deepEqual(readStatus(JSON.stringify({ version: '1-a', pid: 3, lastIngestionRun: null }), 1)?.ingested, []);
  });

  test('only metrics named for warming are read from /metrics', () => {
    const text = [
      '# HELP cinedex_warm_seconds time to warm a version',
      '# TYPE cinedex_warm_seconds histogram',
      'cinedex_warm_seconds_bucket{le="0.1"} 1',
      'cinedex_warm_seconds_sum 1.5',
      'cinedex_warm_seconds_count 3',
      'cinedex_catalogue_movies 28795',
      'cinedex_response_cache_lookups_total{result="warm"} 4',
    ].join('\n');
    assert.deepEqual(
      [...warmMetrics(text)],
      [
        ['cinedex_warm_seconds_bucket{le="0.1"}', 1],
        ['cinedex_warm_seconds_sum', 1.5],
        ['cinedex_warm_seconds_count', 3],
      ],
    );
  });
});

describe('soak machine use', () => {
  test('busy ticks are every column of the cpu line but idle and iowait, steal included', () => {
    assert.equal(busyTicks('cpu  100 10 50 1000 20 5 7 3 0 0'), 100 + 10 + 50 + 5 + 7 + 3);
  });
});

describe('soak record', () => {
  test('latency bins by send time, empty bins kept', () => {
    const log = new LatencyLog();
    log.push(1000, 2);
    log.push(1050, 4);
    log.push(1250, 9);
    const bins = latencyBins(log, 1000, 1300, 100);
    assert.deepEqual(
      bins.map((b) => [b.at, b.count, b.maxMs]),
      [
        [1000, 2, 4],
        [1100, 0, NaN],
        [1200, 1, 9],
      ],
    );
  });
});
