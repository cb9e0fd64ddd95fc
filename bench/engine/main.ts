/**
 * The engine scenario (`npm run bench:engine`, or the first section of `npm run bench`): the shared
 * query mix against the seed's index, in process, per query, beside the naive plan it must beat (a
 * full scan of every movie).
 */
import type { Movie } from '../../src/catalogue/movie.js';
import { normaliseText } from '../../src/catalogue/normalise.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import type { MovieQuery } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { engineRequests, timeEach } from '../lib/in-process.js';
import { benchDeltas } from './deltas.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { median, percentile } from '../lib/stats.js';
import { benchPaths, loadMovies } from '../lib/workload.js';
import { DELTA_ROUNDS, ROUNDS } from '../settings.js';

export interface EngineResult {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly scanP50Us: number;
  readonly scanP99Us: number;
  readonly queries: number;
}

/** The naive plan the engine must beat: normalise and test every movie, sort, cut. */
function fullScan(movies: readonly Movie[], titles: readonly string[], q: MovieQuery, limit: number): number {
  const hits: Movie[] = [];
  for (let i = 0; i < movies.length; i++) {
    const m = movies[i] as Movie;
    if (q.year !== undefined && m.year !== q.year) continue;
    if (q.title !== undefined && !(titles[i] as string).includes(q.title)) continue;
    if (!q.cast.every((c) => m.cast.some((x) => normaliseText(x) === c))) continue;
    if (!q.genres.every((g) => m.genres.some((x) => normaliseText(x) === g))) continue;
    hits.push(m);
  }
  hits.sort((a, b) => b.year - a.year || (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : 1));
  return Math.min(hits.length, limit + 1);
}

/** One round: every path `rounds` times through the engine, a tenth of them once through the full scan. */
export function engineRound(index: CatalogueIndex, paths: readonly string[], rounds = 5): EngineResult {
  const requests = engineRequests(paths);
  // Warm up, so the JIT has compiled the hot path before anything is timed.
  timeEach(requests, 2, (r) => searchMovies(index, r));
  const engine = timeEach(requests, rounds, (r) => searchMovies(index, r));
  const movies = Array.from({ length: index.size }, (_, rank) => index.movie(rank));
  const titles = movies.map((m) => normaliseText(m.title));
  const sample = requests.filter((_, i) => i % 10 === 0);
  const scan = timeEach(sample, 1, (r) => fullScan(movies, titles, r.query, r.limit));
  return {
    p50Us: percentile(engine, 50),
    p99Us: percentile(engine, 99),
    scanP50Us: percentile(scan, 50),
    scanP99Us: percentile(scan, 99),
    queries: engine.length,
  };
}

/** The section of docs/performance.md: medians of `rounds` rounds. */
export function benchEngine(index: CatalogueIndex, paths: readonly string[], rounds: number): string {
  const runs = Array.from({ length: rounds }, () => engineRound(index, paths));
  const e = {
    p50: median(runs.map((r) => r.p50Us)),
    p99: median(runs.map((r) => r.p99Us)),
    s50: median(runs.map((r) => r.scanP50Us)),
    s99: median(runs.map((r) => r.scanP99Us)),
  };
  return (
    `## Engine against a full scan (in process, per query, median of ${rounds} rounds)\n\n` +
    table(
      ['plan', 'p50 µs', 'p99 µs'],
      [
        ['cinedex engine', fmt(e.p50, 2), fmt(e.p99, 2)],
        ['naive full scan', fmt(e.s50, 0), fmt(e.s99, 0)],
        ['speed-up (scan ÷ engine)', `${fmt(e.s50 / e.p50, 0)}×`, `${fmt(e.s99 / e.p99, 0)}×`],
      ],
    ) +
    `\n\nTarget: p99 under 20 µs.\n`
  );
}

runIfMain(import.meta.url, async () => {
  const index = CatalogueIndex.build('bench', loadMovies());
  return benchEngine(index, benchPaths(), ROUNDS.read()) + '\n' + (await benchDeltas(index, benchPaths(), DELTA_ROUNDS.read()));
});
