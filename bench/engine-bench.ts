import type { Movie } from '../src/catalogue/movie.js';
import { normaliseText } from '../src/catalogue/normalise.js';
import type { CatalogueIndex } from '../src/engine/catalogue-index.js';
import type { MovieQuery, SearchRequest } from '../src/engine/search-request.js';
import { searchMovies } from '../src/engine/search.js';
import { parseListRequest, searchRequestOf } from '../src/query/parse-query.js';
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

/** Per-query times in µs, ascending, over `rounds` passes of the requests. */
/**
 * Lets the process come to rest before anything is timed: a full GC (the bench runs with
 * --expose-gc) and a pause. Right after an index is built, V8's background threads still sweep and
 * compile for a second or so; on two cores they take the timed thread's core a scheduler slice
 * (~4 ms) at a time, and a p99 over a few hundred samples reads that as a slow engine (measured:
 * relevance-set p99 4.2 ms straight after the build, 0.3 ms after 3 s).
 */
export async function settle(ms = 2000): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export function timeEach<T>(requests: readonly T[], rounds: number, run: (r: T) => unknown): number[] {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const r of requests) {
      const start = process.hrtime.bigint();
      run(r);
      samples.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
  return samples.sort((a, b) => a - b);
}

/** Engine requests for request paths of GET /v1/movies. */
export function engineRequests(paths: readonly string[]): SearchRequest[] {
  return paths.map((p) => searchRequestOf(parseListRequest(p.slice(p.indexOf('?') + 1))));
}

export function benchEngine(index: CatalogueIndex, paths: readonly string[], rounds = 5): EngineResult {
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
