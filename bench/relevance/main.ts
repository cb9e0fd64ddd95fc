/**
 * `npm run bench:relevance`: every contender side by side on the relevance set, in process over the seed.
 * A new contender is one more entry in CONTENDERS; bench/main.ts calls benchRelevance() to put the same
 * tables in docs/performance.md.
 */
import type { Movie } from '../../src/catalogue/movie.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { loadMovies } from '../lib/workload.js';
import { miniSearchBaseline, miniSearchBest, oramaBaseline, oramaBest } from './baselines.js';
import { cinedexContender } from './cinedex.js';
import { measureLatency, scoreRelevance, type Latency, type LatencyOptions, type RelevanceScore, type Search } from './evaluate.js';
import { QUERY_KINDS, loadRelevanceSet, typedSetFile, type RelevanceQuery } from './relevance-set.js';

export interface Contender {
  readonly name: string;
  /** Indexes the movies (timed as the build) and returns the search to score. */
  build(movies: readonly Movie[]): Promise<Search> | Search;
}

export const CONTENDERS: readonly Contender[] = [
  { name: 'cinedex', build: cinedexContender },
  { name: 'MiniSearch', build: miniSearchBaseline },
  { name: 'Orama', build: oramaBaseline },
];

/** Set (a), titles typed the way people type: each library as a user would configure it for that (any word may match). */
export const TYPED_CONTENDERS: readonly Contender[] = [
  { name: 'cinedex', build: cinedexContender },
  { name: 'MiniSearch (OR, fuzzy 0.2, prefix)', build: miniSearchBest },
  { name: 'MiniSearch (AND, as above)', build: miniSearchBaseline },
  { name: 'Orama (any term)', build: oramaBest },
];

export interface ContenderResult {
  readonly name: string;
  readonly buildSeconds: number;
  readonly score: RelevanceScore;
  readonly latency: Latency;
}

export async function runContenders(
  contenders: readonly Contender[],
  movies: readonly Movie[],
  queries: readonly RelevanceQuery[],
  latencyOptions?: LatencyOptions,
): Promise<ContenderResult[]> {
  const results: ContenderResult[] = [];
  for (const contender of contenders) {
    const start = process.hrtime.bigint();
    const search = await contender.build(movies);
    const buildSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const score = await scoreRelevance(queries, search);
    const latency = await measureLatency(queries, search, latencyOptions);
    results.push({ name: contender.name, buildSeconds, score, latency });
  }
  return results;
}

export function summaryTable(results: readonly ContenderResult[]): string {
  return table(
    ['engine', 'top-1', 'top-3', 'MRR', 'targets met', 'p50 µs', 'p99 µs', 'index build s'],
    results.map(({ name, score: { overall: o }, latency, buildSeconds }) => [
      name,
      fmt(o.top1, 3),
      fmt(o.top3, 3),
      fmt(o.mrr, 3),
      `${Math.round(o.targetsMet * o.queries)}/${o.queries}`,
      fmt(latency.p50Us, 0),
      fmt(latency.p99Us, 0),
      fmt(buildSeconds, 2),
    ]),
  );
}

/** Top-3 hit rate per kind of query, one column per contender. */
export function perKindTable(results: readonly ContenderResult[]): string {
  const kinds = QUERY_KINDS.filter((kind) => results.some((r) => r.score.perKind.has(kind)));
  return table(
    ['kind (top-3)', 'queries', ...results.map((r) => r.name)],
    kinds.map((kind) => [
      kind,
      String(results[0]?.score.perKind.get(kind)?.queries ?? 0),
      ...results.map((r) => fmt(r.score.perKind.get(kind)?.top3 ?? NaN, 2)),
    ]),
  );
}

/** The queries whose `within` target a contender missed, with where the movie landed. */
export function missedTargets(result: ContenderResult): string {
  const missed = result.score.outcomes.filter((o) => !o.met);
  if (missed.length === 0) return `${result.name}: every target met.`;
  const lines = missed.map(
    ({ query, rank }) =>
      `- \`${query.q}\` (${query.kind}, within ${query.within}): ${query.expect.title} (${query.expect.year}) ${rank === null ? 'not in the top 10' : `at rank ${rank}`}`,
  );
  return `${result.name} missed ${missed.length}:\n${lines.join('\n')}`;
}

/** The whole report as Markdown: the hand-labelled set, then set (a). */
export async function benchRelevance(
  contenders: readonly Contender[] = CONTENDERS,
  latencyOptions?: LatencyOptions,
  typedContenders: readonly Contender[] = TYPED_CONTENDERS,
): Promise<string> {
  const movies = loadMovies();
  const queries = loadRelevanceSet();
  const results = await runContenders(contenders, movies, queries, latencyOptions);
  const typed = loadRelevanceSet(typedSetFile);
  const typedResults = await runContenders(typedContenders, movies, typed, latencyOptions);
  return [
    `## Relevance of \`q\` (${queries.length} hand-labelled queries, bench/relevance)\n`,
    ...section(results),
    `## Titles typed the way people type (set a: ${typed.length} queries, bench/relevance/typed-queries.json)\n`,
    ...section(typedResults),
  ].join('\n');
}

function section(results: readonly ContenderResult[]): string[] {
  return [summaryTable(results), '', perKindTable(results), '', ...results.map(missedTargets), ''];
}

runIfMain(import.meta.url, () => benchRelevance());
