import type { Movie } from '../src/catalogue/movie.js';
import { normaliseText } from '../src/catalogue/normalise.js';
import type { CatalogueIndex } from '../src/engine/catalogue-index.js';
import type { MovieQuery } from '../src/engine/movie-query.js';
import { searchMovies } from '../src/engine/search.js';
import { parseListRequest } from '../src/query/parse-query.js';
import { percentile } from './stats.js';

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

function timeEach(
  queries: readonly { query: MovieQuery; limit: number }[],
  rounds: number,
  run: (q: MovieQuery, limit: number) => unknown,
): number[] {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const { query, limit } of queries) {
      const start = process.hrtime.bigint();
      run(query, limit);
      samples.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
  return samples.sort((a, b) => a - b);
}

export function benchEngine(index: CatalogueIndex, paths: readonly string[], rounds = 5): EngineResult {
  const queries = paths.map((p) => parseListRequest(p.slice(p.indexOf('?') + 1)));
  // Warm up, so the JIT has compiled the hot path before anything is timed.
  timeEach(queries, 2, (q, limit) => searchMovies(index, q, { limit }));
  const engine = timeEach(queries, rounds, (q, limit) => searchMovies(index, q, { limit }));
  const titles = index.movies.map((m) => normaliseText(m.title));
  const sample = queries.filter((_, i) => i % 10 === 0);
  const scan = timeEach(sample, 1, (q, limit) => fullScan(index.movies, titles, q, limit));
  return {
    p50Us: percentile(engine, 50),
    p99Us: percentile(engine, 99),
    scanP50Us: percentile(scan, 50),
    scanP99Us: percentile(scan, 99),
    queries: engine.length,
  };
}
