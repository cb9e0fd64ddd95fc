/** Timing the engine in this process (the engine, search and relevance scenarios): per-call times, after the process has settled. */
import type { SearchRequest } from '../../src/engine/search-request.js';
import { parseListRequest, searchRequestOf } from '../../src/query/parse-query.js';

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

/** Per-call times in µs, ascending, over `rounds` passes of the requests. */
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

/** Engine requests for query parameters, as GET /v1/movies would parse them. */
export function engineRequest(params: Record<string, string>): SearchRequest {
  return searchRequestOf(parseListRequest(new URLSearchParams(params).toString()));
}
