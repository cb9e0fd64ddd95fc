/**
 * The search scenario (`npm run bench:search`, or a section of `npm run bench`): the engine's search
 * workloads (issue 10), in process, per query: the relevance set's `q`, a generated mix of typed
 * queries, facets over everything and over broad queries, in wall time as served (words cached);
 * then the `q` workloads looked up afresh in CPU time per query (afresh.ts), beside another build
 * with BENCH_BEFORE_CLI; and, when BENCH_ENGINE_LARGE names a size (e.g. 1000000), the `q` mix again
 * over a catalogue of that size (lib/generate-catalogue.ts: the 2023 set and numbered variants of it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import type { SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { catalogueFromSeed } from '../../src/seed/seed-catalogue.js';
import { catalogueFile, sizeLabel, type CatalogueSize } from '../lib/generate-catalogue.js';
import { engineRequest, engineRequests, settle, timeEach } from '../lib/in-process.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { percentile } from '../lib/stats.js';
import { benchPaths, loadMovies } from '../lib/workload.js';
import { loadRelevanceSet } from '../relevance/relevance-set.js';
import { BEFORE_CLI, ENGINE_LARGE } from '../settings.js';
import { afreshWorkloads, renderAfresh, runAfresh } from './afresh.js';
import { searchMix } from './search-mix.js';

export interface Workload {
  readonly name: string;
  readonly target: string;
  readonly requests: readonly SearchRequest[];
}

/** The `q` workloads as served: words seen before come from the index's word cache (afresh.ts times them without). */
function asServed(workloads: readonly Workload[]): Workload[] {
  return workloads.map((w) => (w.requests.some((r) => r.query.q !== undefined) ? { ...w, name: `${w.name}, words cached` } : w));
}

/** The rows of the table over one catalogue. */
export function searchWorkloads(movies: readonly Movie[], filterPaths: readonly string[]): Workload[] {
  const everything = 'genre,year,decade,cast';
  return [
    { name: 'filter mix (queries.txt, the existing contract)', target: 'p99 < 20 µs', requests: engineRequests(filterPaths) },
    {
      name: '`q`: the relevance set (131 hand-labelled queries)',
      target: 'p99 < 200 µs',
      requests: loadRelevanceSet().map(({ q }) => engineRequest({ q, limit: '10' })),
    },
    {
      name: '`q`: generated mix (typed prefixes, a typo, title + surname, a cast name)',
      target: 'p99 < 200 µs',
      requests: searchMix(movies, 1000).map(({ q }) => engineRequest({ q })),
    },
    {
      name: 'facets genre, year, decade, cast + count, over everything',
      target: '< 1 ms',
      requests: [
        engineRequest({ facets: everything, count: 'true' }),
        engineRequest({ facets: everything, count: 'true', sort: 'title:asc' }),
      ],
    },
    {
      name: 'facets + count with a filter on a facet (`genre=Drama`, own filter left out)',
      target: '—',
      requests: [engineRequest({ genre: 'Drama', facets: everything, count: 'true' })],
    },
    {
      name: 'facets + count over a broad `q` (`the`, `love`, `man`)',
      target: '—',
      requests: ['the', 'love', 'man'].map((q) => engineRequest({ q, facets: everything, count: 'true' })),
    },
  ];
}

export interface WorkloadResult {
  readonly workload: Workload;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

/**
 * Every workload timed `rounds` times, after every workload has run untimed for a while: the
 * workloads share code, and V8 keeps tiering it up and re-optimising it for seconds (two warm-up
 * passes left the first timed rounds with ~4 ms stalls in 2 % of the samples).
 */
export function runWorkloads(index: CatalogueIndex, workloads: readonly Workload[], rounds: number): WorkloadResult[] {
  for (const workload of workloads) {
    const until = performance.now() + WARM_MS;
    for (let pass = 0; pass < 2 || performance.now() < until; pass++) for (const r of workload.requests) searchMovies(index, r);
  }
  return workloads.map((workload) => {
    // Few distinct requests (facets) are repeated so that their percentiles rest on more than a handful of samples.
    const times = Math.max(rounds, Math.ceil(200 / workload.requests.length));
    const samples = timeEach(workload.requests, times, (r) => searchMovies(index, r));
    return { workload, p50Us: percentile(samples, 50), p99Us: percentile(samples, 99), maxUs: samples[samples.length - 1] as number };
  });
}

/** How long each workload runs untimed before any is timed. */
const WARM_MS = 1000;

function render(title: string, results: readonly WorkloadResult[]): string {
  return (
    `${title}\n\n` +
    table(
      ['workload', 'queries', 'p50 µs', 'p99 µs', 'max µs', 'target'],
      results.map((r) => [
        r.workload.name,
        String(r.workload.requests.length),
        fmt(r.p50Us, 1),
        fmt(r.p99Us, 1),
        fmt(r.maxUs, 0),
        r.workload.target,
      ]),
    )
  );
}

export async function benchSearch(
  index: CatalogueIndex,
  movies: readonly Movie[],
  filterPaths: readonly string[],
  rounds: number,
): Promise<string> {
  await settle();
  const results = runWorkloads(index, asServed(searchWorkloads(movies, filterPaths)), rounds);
  const afresh = await runAfresh(movies, afreshWorkloads(movies), rounds, { index, beforeCli: BEFORE_CLI.read() });
  return (
    render(`## Search engine (in process over the seed, per query, ${rounds} timed rounds)`, results) +
    '\n\n' +
    renderAfresh('### `q` looked up afresh (in process over the seed, CPU per query)', afresh.results, afresh.load, rounds)
  );
}

/** The `q` mix over a large catalogue, generated to a temporary file and indexed in this process. */
export async function benchSearchLarge(size: CatalogueSize, filterPaths: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-search-large-'));
  try {
    const file = await catalogueFile(size, dir);
    const { movies } = catalogueFromSeed(JSON.parse(readFileSync(file, 'utf8')) as unknown[]);
    const started = performance.now();
    const index = CatalogueIndex.build('large', movies);
    const buildSeconds = (performance.now() - started) / 1000;
    const workloads: Workload[] = [
      { name: 'filter mix (queries.txt, the existing contract)', target: 'p99 < 100 µs', requests: engineRequests(filterPaths) },
      {
        name: '`q`: generated mix (typed prefixes, a typo, title + surname, a cast name)',
        target: 'p99 < 5 ms',
        requests: searchMix(movies, 1000).map(({ q }) => engineRequest({ q })),
      },
      {
        name: 'facets + count over everything',
        target: '—',
        requests: [engineRequest({ facets: 'genre,year,decade,cast', count: 'true' })],
      },
    ];
    await settle();
    const results = runWorkloads(index, asServed(workloads), 3);
    const afresh = await runAfresh(movies, afreshWorkloads(movies, true), 3, { index });
    return (
      render(`## Search engine at ${sizeLabel(size)} (in process, per query; index built in ${fmt(buildSeconds, 1)} s)`, results) +
      '\n\n' +
      renderAfresh(`### \`q\` looked up afresh at ${sizeLabel(size)} (in process, CPU per query)`, afresh.results, afresh.load, 3)
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, async () => {
  const movies = loadMovies();
  const paths = benchPaths();
  const large = ENGINE_LARGE.read();
  const seed = await benchSearch(CatalogueIndex.build('bench', movies), movies, paths, 5);
  return large === undefined ? seed : `${seed}\n${await benchSearchLarge(large, paths)}`;
});
