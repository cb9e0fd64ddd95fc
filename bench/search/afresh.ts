/**
 * `q` looked up afresh, in CPU time per query, with another build beside when BENCH_BEFORE_CLI names
 * one: the two builds answer the same queries in one process, interleaved query by query, each in a
 * worker thread of its own (afresh-worker.ts, lib/isolated-engine.ts). In one isolate the two builds
 * shared the heap and the JIT's state, and both read slower than either alone (an A/A run, the same
 * code twice: the generated mix's mean 79–85 µs against 72–78 in workers and 74–76 alone, and the
 * relevance set, timed first, disturbed by half in two runs of three); a replica serves one build.
 * One build alone is timed in this process.
 *
 * "Afresh" means no word-cache entry for the query's words: the version's index is wrapped with a
 * word cache of 0 bytes (SegmentIndex `wordCacheBytes: 0`), so each query walks the trie for every
 * word, its splits and its joins, and reads their postings. What a version derives once, on its first
 * `q` (trieReach, the deletion entries), and the process's compiled code are warm, as in a serving
 * process after its first query. Each query's time is the least of RUNS runs of its own thread's CPU
 * (lib/thread-cpu.ts: the process's counts V8's collector and compiler threads, and the other worker's):
 * a run another process preempted, or one a collection fell into, costs more, never less, so the
 * least is the query's own cost. Wall time per call (a single run) cannot tell two builds apart on
 * a shared machine: its p99 is the scheduler's.
 */
import { loadavg } from 'node:os';
import type { Movie } from '../../src/catalogue/movie.js';
import type { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import type { searchRequestOf } from '../../src/query/parse-query.js';
import { THIS_BUILD, type EngineModules } from '../lib/engine-modules.js';
import { IsolatedEngine } from '../lib/isolated-engine.js';
import { ownMicros, threadClock } from '../lib/thread-cpu.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { median, percentile } from '../lib/stats.js';
import { loadMovies } from '../lib/workload.js';
import { loadRelevanceSet } from '../relevance/relevance-set.js';
import { BEFORE_CLI } from '../settings.js';
import { searchMix } from './search-mix.js';

/** Runs of each query per round; the least counts. */
const RUNS = 6;

/** A workload of the afresh table: its queries as GET /v1/movies parameters. */
export interface AfreshWorkload {
  readonly name: string;
  readonly target: string;
  readonly queries: readonly Record<string, string>[];
}

/** The `q` workloads of the afresh table over one catalogue: the relevance set, the generated mix and broad queries with facets. */
export function afreshWorkloads(movies: readonly Movie[], mixOnly = false): AfreshWorkload[] {
  const mix: AfreshWorkload = {
    name: '`q`: generated mix (typed prefixes, a typo, title + surname, a cast name)',
    target: mixOnly ? 'p99 < 5 ms' : 'p99 < 200 µs',
    queries: searchMix(movies, 1000).map(({ q }) => ({ q })),
  };
  if (mixOnly) return [mix];
  return [
    {
      name: '`q`: the relevance set (131 hand-labelled queries)',
      target: 'p99 < 200 µs',
      queries: loadRelevanceSet().map(({ q }) => ({ q, limit: '10' })),
    },
    mix,
    {
      name: 'facets + count over a broad `q` (`the`, `love`, `man`)',
      target: '—',
      queries: ['the', 'love', 'man'].map((q) => ({ q, facets: 'genre,year,decade,cast', count: 'true' })),
    },
  ];
}

/** One build's engine, as a bench reads it: requests parsed by its own parser, answered by its afresh index. */
interface AfreshEngine {
  prepare(params: Record<string, string>): unknown;
  answer(request: unknown): unknown;
}

/** A build's index over `movies` (or the one given), wrapped without a word cache: every word of `q` looked up afresh. */
export function afreshEngine(label: string, modules: EngineModules, movies: readonly Movie[], given?: CatalogueIndex): AfreshEngine {
  const built = given ?? modules.CatalogueIndex.build(label, movies);
  const index = modules.CatalogueIndex.of(
    built.version,
    built.segments.map(({ index, deletes }) => ({ index: new modules.SegmentIndex(index.data, { wordCacheBytes: 0 }), deletes })),
  );
  return {
    prepare: (params) => modules.searchRequestOf(modules.parseListRequest(new URLSearchParams(params).toString())),
    answer: (request) => modules.searchMovies(index, request as ReturnType<typeof searchRequestOf>),
  };
}

/** What a worker of afresh-worker.ts is started with: the build (another's CLI, or this one), the catalogue, the workloads' queries. */
export interface AfreshSetup {
  readonly label: string;
  readonly cli: string | undefined;
  readonly movies: readonly Movie[];
  readonly workloads: readonly (readonly Record<string, string>[])[];
}

/** A build as the rounds drive it: each workload's answers (JSON, compared between builds), and a query's least CPU µs of RUNS runs. */
interface TimedBuild {
  readonly answers: readonly (readonly string[])[];
  least(workload: number, query: number): number;
  close(): Promise<void>;
}

/** Each workload's answers, one JSON text per query. */
export function answersOf(engine: AfreshEngine, requests: readonly (readonly unknown[])[]): string[][] {
  return requests.map((workload) => workload.map((request) => JSON.stringify(engine.answer(request))));
}

/** This build in this process, timed here. */
function inProcess(movies: readonly Movie[], workloads: readonly AfreshWorkload[], given?: CatalogueIndex): TimedBuild {
  const engine = afreshEngine('this build', THIS_BUILD, movies, given);
  const requests = workloads.map((w) => w.queries.map((q) => engine.prepare(q)));
  const clock = threadClock();
  return {
    answers: answersOf(engine, requests),
    least: (workload, query) => {
      const request = (requests[workload] as unknown[])[query];
      let least = Infinity;
      for (let run = 0; run < RUNS; run++) {
        const start = ownMicros(clock);
        engine.answer(request);
        least = Math.min(least, ownMicros(clock) - start);
      }
      return least;
    },
    close: () => {
      clock.close();
      return Promise.resolve();
    },
  };
}

/** A build in a worker thread of its own (its own isolate: compiled code, type feedback and heap), timed there a query at a time. */
async function isolated(
  label: string,
  cli: string | undefined,
  movies: readonly Movie[],
  workloads: readonly AfreshWorkload[],
): Promise<TimedBuild> {
  const setup: AfreshSetup = { label, cli, movies, workloads: workloads.map((w) => w.queries) };
  const { engine, ready } = await IsolatedEngine.started(new URL('./afresh-worker.js', import.meta.url), setup);
  return {
    answers: ready as string[][],
    least: (workload, query) => engine.least(workload, query, query + 1, RUNS)[0] as number,
    close: () => engine.close(),
  };
}

interface BuildRow {
  /** CPU µs per query over the whole workload: the figure that tells two builds apart best, every query counting. */
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface AfreshResult {
  readonly workload: AfreshWorkload;
  /** This build's, then the other build's when there is one. */
  readonly builds: readonly BuildRow[];
  /** Answers that differ between the builds (compared once per query), when there are two. */
  readonly differing?: number;
}

/**
 * Each workload timed `rounds` times per build, builds interleaved query by query (which goes first
 * alternates by round); a build's p50, p99 and max are the medians over the rounds of those over the
 * queries. Every query is first answered once untimed by each build, which also compares their answers.
 */
export async function runAfresh(
  movies: readonly Movie[],
  workloads: readonly AfreshWorkload[],
  rounds: number,
  options: { readonly index?: CatalogueIndex; readonly beforeCli?: string | undefined } = {},
): Promise<{ results: AfreshResult[]; load: readonly [number, number] }> {
  const builds: TimedBuild[] = [];
  if (options.beforeCli === undefined) builds.push(inProcess(movies, workloads, options.index));
  else {
    builds.push(await isolated('this build', undefined, movies, workloads));
    builds.push(await isolated('before', options.beforeCli, movies, workloads));
  }
  const startLoad = loadavg()[0] as number;
  const results = workloads.map((workload, w) => {
    let differing = 0;
    workload.queries.forEach((_, i) => {
      const answers = builds.map((build) => (build.answers[w] as string[])[i]);
      if (answers.some((a) => a !== answers[0])) differing++;
    });
    const byRound: BuildRow[][] = builds.map(() => []);
    for (let round = 0; round < rounds; round++) {
      const times = builds.map(() => new Float64Array(workload.queries.length));
      const order = round % 2 === 0 ? builds.map((_, e) => e) : builds.map((_, e) => builds.length - 1 - e);
      for (let i = 0; i < workload.queries.length; i++)
        for (const e of order) (times[e] as Float64Array)[i] = (builds[e] as TimedBuild).least(w, i);
      times.forEach((sample, e) => {
        const mean = sample.reduce((sum, t) => sum + t, 0) / sample.length;
        sample.sort();
        (byRound[e] as BuildRow[]).push({
          mean,
          p50: percentile(sample, 50),
          p99: percentile(sample, 99),
          max: sample[sample.length - 1] as number,
        });
      });
    }
    const rows = byRound.map((rows) => ({
      mean: median(rows.map((r) => r.mean)),
      p50: median(rows.map((r) => r.p50)),
      p99: median(rows.map((r) => r.p99)),
      max: median(rows.map((r) => r.max)),
    }));
    return builds.length > 1 ? { workload, builds: rows, differing } : { workload, builds: rows };
  });
  const load = [startLoad, loadavg()[0] as number] as const;
  for (const build of builds) await build.close();
  return { results, load };
}

/** The afresh table: this build's CPU per query, and with another build its figures, the p99 ratio and differing answers. */
export function renderAfresh(title: string, results: readonly AfreshResult[], load: readonly [number, number], rounds: number): string {
  const before = results.some((r) => r.builds.length > 1);
  const header = ['workload', 'queries', 'mean CPU µs', 'p50 CPU µs', 'p99 CPU µs', 'max CPU µs'];
  if (before) header.push('before mean', 'before p50', 'before p99', 'mean before ÷ after', 'p99 before ÷ after', 'answers differing');
  header.push('target');
  const rows = results.map(({ workload, builds, differing }) => {
    const [own, other] = builds as [BuildRow, BuildRow | undefined];
    const cells = [workload.name, String(workload.queries.length), fmt(own.mean, 0), fmt(own.p50, 0), fmt(own.p99, 0), fmt(own.max, 0)];
    if (before)
      cells.push(
        other ? fmt(other.mean, 0) : '—',
        other ? fmt(other.p50, 0) : '—',
        other ? fmt(other.p99, 0) : '—',
        other ? `${fmt(other.mean / own.mean, 2)}×` : '—',
        other ? `${fmt(other.p99 / own.p99, 2)}×` : '—',
        String(differing ?? '—'),
      );
    cells.push(workload.target);
    return cells;
  });
  const method =
    `Every word looked up afresh (no word-cache entry: the index's word cache holds 0 bytes), CPU µs per query: the least of ` +
    `${RUNS} runs (the answering thread's own CPU), ${rounds} rounds, medians of the rounds' percentiles over the queries; load average ` +
    `${fmt(load[0], 1)}–${fmt(load[1], 1)}.` +
    (before
      ? ' The build before (BENCH_BEFORE_CLI) answers the same queries in the same process, interleaved query by query, each build in' +
        ' a worker thread of its own.'
      : '');
  return `${title}\n\n${method}\n\n${table(header, rows)}\n`;
}

runIfMain(import.meta.url, async () => {
  const movies = loadMovies();
  const { results, load } = await runAfresh(movies, afreshWorkloads(movies), 5, { beforeCli: BEFORE_CLI.read() });
  return renderAfresh('### `q` looked up afresh (in process over the seed, CPU per query)', results, load, 5);
});
