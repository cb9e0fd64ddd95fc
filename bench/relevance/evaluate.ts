import { percentile } from '../lib/stats.js';
import { QUERY_KINDS, type MovieRef, type QueryKind, type RelevanceQuery } from './relevance-set.js';

/** One result of a ranked page; anything with a title and a year will do. */
export type Ranked = MovieRef;

/** A contender's search: the ranked first page for `q`, best first (at least 3 results when there are that many matches). */
export type Search = (q: string) => Promise<readonly Ranked[]> | readonly Ranked[];

/** Reciprocal rank only counts the first page a person would look at. */
export const MRR_DEPTH = 10;

export interface QueryOutcome {
  readonly query: RelevanceQuery;
  /** 1-based rank of the expected movie within the first MRR_DEPTH results, null when absent. */
  readonly rank: number | null;
  /** Whether the query's own `within` target is met. */
  readonly met: boolean;
}

export interface Rates {
  readonly queries: number;
  readonly top1: number;
  readonly top3: number;
  readonly mrr: number;
  readonly targetsMet: number;
}

export interface RelevanceScore {
  readonly overall: Rates;
  /** Only the kinds the set uses, in the vocabulary's order. */
  readonly perKind: ReadonlyMap<QueryKind, Rates>;
  readonly outcomes: readonly QueryOutcome[];
}

/** Rank of the movie (same title and year) among the first MRR_DEPTH results, or null. */
export function rankOf(results: readonly Ranked[], expected: MovieRef): number | null {
  const limit = Math.min(results.length, MRR_DEPTH);
  for (let i = 0; i < limit; i++) {
    const r = results[i] as Ranked;
    if (r.title === expected.title && r.year === expected.year) return i + 1;
  }
  return null;
}

export function rates(outcomes: readonly QueryOutcome[]): Rates {
  const n = outcomes.length;
  const share = (count: number) => (n === 0 ? NaN : count / n);
  return {
    queries: n,
    top1: share(outcomes.filter((o) => o.rank === 1).length),
    top3: share(outcomes.filter((o) => o.rank !== null && o.rank <= 3).length),
    mrr: share(outcomes.reduce((sum, o) => sum + (o.rank === null ? 0 : 1 / o.rank), 0)),
    targetsMet: share(outcomes.filter((o) => o.met).length),
  };
}

/** Runs every query once through `search` and scores where the expected movie landed. */
export async function scoreRelevance(queries: readonly RelevanceQuery[], search: Search): Promise<RelevanceScore> {
  const outcomes: QueryOutcome[] = [];
  for (const query of queries) {
    const rank = rankOf(await search(query.q), query.expect);
    outcomes.push({ query, rank, met: rank !== null && rank <= query.within });
  }
  const perKind = new Map<QueryKind, Rates>();
  for (const kind of QUERY_KINDS) {
    const ofKind = outcomes.filter((o) => o.query.kind === kind);
    if (ofKind.length > 0) perKind.set(kind, rates(ofKind));
  }
  return { overall: rates(outcomes), perKind, outcomes };
}

export interface LatencyOptions {
  /** Untimed passes over the whole set first, so JIT and caches settle. */
  readonly warmupRounds?: number;
  /** Timed passes over the whole set; every call is one sample. */
  readonly rounds?: number;
}

export interface Latency {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly samples: number;
}

/** Wall time of each search call, awaited when it returns a promise; percentiles over all timed calls. */
export async function measureLatency(
  queries: readonly RelevanceQuery[],
  search: Search,
  { warmupRounds = 1, rounds = 5 }: LatencyOptions = {},
): Promise<Latency> {
  for (let round = 0; round < warmupRounds; round++) for (const { q } of queries) await search(q);
  const samples = new Float64Array(rounds * queries.length);
  let at = 0;
  for (let round = 0; round < rounds; round++) {
    for (const { q } of queries) {
      const start = process.hrtime.bigint();
      const page = search(q);
      // A synchronous search is timed without the microtask an `await` would add.
      if (page instanceof Promise) await page;
      samples[at++] = Number(process.hrtime.bigint() - start) / 1000;
    }
  }
  samples.sort();
  return { p50Us: percentile(samples, 50), p99Us: percentile(samples, 99), samples: samples.length };
}
