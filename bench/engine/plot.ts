/**
 * The extract tier's cost (`npm run bench:engine:plot`, and a section of `npm run bench`): the plot
 * set's queries against the 2023 catalogue in process, per query; and what indexing the extracts adds
 * to the segment, in bytes and in ready time (checksum, header, views, the index object), beside the
 * same catalogue's segment without them (what a format-1 segment holds), measured in one run.
 *
 * Each query is timed three ways in one sample: wall time; the process's CPU (process.cpuUsage, every
 * thread); and the main thread's own CPU (lib/thread-cpu.ts), which leaves out V8's GC helpers and
 * optimising compiler on the other core. The timed rounds come after BENCH_PLOT_WARMUP_ROUNDS rounds,
 * because V8 keeps optimising and deoptimising the engine's functions for the first few thousand
 * queries (docs/investigations/plot-search.md, "Plot queries' p99"): a serving process answers those once in its life, so
 * the settled rounds are what the target is about; the rounds right after the first ones are shown
 * too, as "warming". The collections that fall in each phase are counted (perf_hooks 'gc' entries).
 * With BENCH_BEFORE_CLI that build's engine answers the same queries in the same rounds, interleaved
 * query by query, the order turning each round.
 */
import { loadavg } from 'node:os';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import type { Movie } from '../../src/catalogue/movie.js';
import type { ExtractIndex, IndexData } from '../../src/engine/index-data.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { encodeSegment } from '../../src/snapshot/segment-codec.js';
import { decodeSegment } from '../../src/snapshot/segment-reader.js';
import { seed2023Path } from '../../test/support/paths.js';
import { modulesOf, THIS_BUILD, type EngineModules } from '../lib/engine-modules.js';
import { settle } from '../lib/in-process.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { median, percentile } from '../lib/stats.js';
import { threadClock, type ThreadClock } from '../lib/thread-cpu.js';
import { loadMovies } from '../lib/workload.js';
import { loadPlotSet } from '../relevance/relevance-set.js';
import { BEFORE_CLI, PLOT_WARMUP_ROUNDS } from '../settings.js';

/** Rounds answered untimed first: each query's words planned and cached, what a version derives on its first `q`. */
const FIRST_ROUNDS = 3;
/** Rounds timed right after those, while V8 still compiles: the "warming" rows. */
const WARMING_ROUNDS = 20;

/** The index as it was before issue 18's plot search and facet search: the same arrays, theirs empty. */
function withoutExtracts(data: IndexData): IndexData {
  const none: ExtractIndex = {
    terms: { bytes: new Uint8Array(0), offsets: new Uint32Array(1) },
    postings: { offsets: new Uint32Array(1), values: new Int32Array(0) },
    frequencies: new Uint8Array(0),
    lengths: new Uint16Array(0),
    documents: 0,
    totalLength: 0,
  };
  return { ...data, words: { ...data.words, castNames: { offsets: new Uint32Array(1), values: new Int32Array(0) } }, extract: none };
}

/** Median milliseconds, over `rounds`, from the segment's bytes to an index ready to answer. */
function readyMs(bytes: Buffer, rounds: number): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    const index = new SegmentIndex(decodeSegment(bytes).index);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (index.size === 0) throw new Error('the segment decoded empty');
  }
  return median(times);
}

/** One build answering the plot set: its own index and its own parse of each query. */
interface PlotEngine {
  readonly label: string;
  readonly data: IndexData;
  readonly answer: (query: number) => unknown;
}

function plotEngine(label: string, modules: EngineModules, movies: readonly Movie[], queries: readonly string[]): PlotEngine {
  const index = modules.CatalogueIndex.build(label, movies);
  const requests = queries.map((q) =>
    modules.searchRequestOf(modules.parseListRequest(new URLSearchParams({ q, limit: '20' }).toString())),
  );
  const data = (index.segments[0] as (typeof index.segments)[number]).index.data as IndexData;
  return { label, data, answer: (query) => modules.searchMovies(index, requests[query] as (typeof requests)[number]) };
}

/** One build's samples over one phase, µs each, and when each call ran (performance.now() ms). */
class Samples {
  readonly wall: Float64Array;
  readonly processCpu: Float64Array;
  readonly threadCpu: Float64Array;
  readonly from: Float64Array;
  readonly to: Float64Array;
  count = 0;

  constructor(size: number) {
    this.wall = new Float64Array(size);
    this.processCpu = new Float64Array(size);
    this.threadCpu = new Float64Array(size);
    this.from = new Float64Array(size);
    this.to = new Float64Array(size);
  }

  /** One call, measured: the thread's clocks read around it, the wall clock inside them. */
  time(clock: ThreadClock, run: () => unknown): void {
    const a = clock.read();
    const from = performance.now();
    run();
    const to = performance.now();
    const b = clock.read();
    const k = this.count++;
    this.wall[k] = (to - from) * 1000;
    this.processCpu[k] = b.processUs - a.processUs;
    this.threadCpu[k] = (b.threadNs - a.threadNs) / 1000;
    this.from[k] = from;
    this.to[k] = to;
  }

  /** How many calls a collection overlapped. */
  duringGc(gcs: readonly Gc[]): number {
    let n = 0;
    for (let k = 0; k < this.count; k++) if (gcs.some((g) => g.to > (this.from[k] as number) && g.from < (this.to[k] as number))) n++;
    return n;
  }
}

interface Gc {
  readonly from: number;
  readonly to: number;
}

/** A phase of the run: each build's samples, the collections in it, and CPU the main thread did not spend. */
interface Phase {
  readonly name: string;
  readonly rounds: number;
  readonly samples: readonly Samples[];
  readonly gcs: readonly Gc[];
  /** Process CPU less main-thread CPU over the whole phase, µs per query answered: GC helpers, the optimising compiler. */
  readonly otherThreadsUs: number;
}

/** Answers every query once per round, each build in turn (which goes first turns each round), timing into `samples` when given. */
function answerRounds(
  engines: readonly PlotEngine[],
  queries: number,
  rounds: number,
  first: number,
  clock: ThreadClock,
  samples?: readonly Samples[],
): void {
  for (let round = first; round < first + rounds; round++) {
    const order = engines.map((_, e) => (round % 2 === 0 ? e : engines.length - 1 - e));
    for (let q = 0; q < queries; q++)
      for (const e of order) {
        const engine = engines[e] as PlotEngine;
        if (samples === undefined) engine.answer(q);
        else (samples[e] as Samples).time(clock, () => engine.answer(q));
      }
  }
}

async function timedPhase(
  name: string,
  engines: readonly PlotEngine[],
  queries: number,
  rounds: number,
  first: number,
  clock: ThreadClock,
): Promise<Phase> {
  const gcs: Gc[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcs.push({ from: entry.startTime, to: entry.startTime + entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const samples = engines.map(() => new Samples(queries * rounds));
  const start = clock.read();
  answerRounds(engines, queries, rounds, first, clock, samples);
  const end = clock.read();
  // The entries of the phase's collections are delivered after it, on a later turn of the loop.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  const answered = queries * rounds * engines.length;
  const otherThreadsUs = (end.processUs - start.processUs - (end.threadNs - start.threadNs) / 1000) / answered;
  return { name, rounds, samples, gcs, otherThreadsUs };
}

/** Main-thread CPU µs of an empty call measured the way a query is: what each sample carries besides the query. */
function overheadUs(clock: ThreadClock): number {
  const empty = new Samples(2000);
  for (let i = 0; i < 2000; i++) empty.time(clock, () => undefined);
  return percentile(empty.threadCpu.sort(), 50);
}

/** Each query's median main-thread CPU µs over a phase's rounds (samples run round by round, query by query). */
function queryMedians(samples: Samples, queries: number): number[] {
  return Array.from({ length: queries }, (_, q) => {
    const own: number[] = [];
    for (let k = q; k < samples.count; k += queries) own.push(samples.threadCpu[k] as number);
    return median(own);
  });
}

/** The slowest queries by their median main-thread CPU in the settled phase, each build's median beside. */
function slowestQueries(engines: readonly PlotEngine[], settled: Phase, queries: readonly string[], shown: number): string {
  const medians = settled.samples.map((s) => queryMedians(s, queries.length));
  const own = medians[0] as number[];
  const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);
  const slowest = own
    .map((_, q) => q)
    .sort((a, b) => (own[b] as number) - (own[a] as number))
    .slice(0, shown);
  const rows = [
    ...slowest.map((q) => [`\`${queries[q] as string}\``, ...medians.map((m) => fmt(m[q] as number, 0))]),
    [`sum of the ${queries.length} queries' medians`, ...medians.map((m) => fmt(sum(m), 0))],
  ];
  return table(['query (settled phase)', ...engines.map((e) => `${e.label}: median main-thread CPU µs`)], rows);
}

function percentileRow(build: string, phase: Phase, time: string, values: Float64Array): string[] {
  const sorted = Float64Array.from(values).sort();
  const p = (n: number) => fmt(percentile(sorted, n), 0);
  return [build, `${phase.name} (${phase.rounds})`, time, p(50), p(90), p(99), fmt(sorted[sorted.length - 1] ?? NaN, 0)];
}

export async function benchPlotEngine(
  rounds = 20,
  warmupRounds = PLOT_WARMUP_ROUNDS.read(),
  beforeCli = BEFORE_CLI.read(),
): Promise<string> {
  const movies = loadMovies(seed2023Path);
  const queries = loadPlotSet().map(({ q }) => q);
  const engines = [plotEngine('this build', THIS_BUILD, movies, queries)];
  if (beforeCli !== undefined) engines.push(plotEngine('before', await modulesOf(beforeCli), movies, queries));
  const clock = threadClock();
  const differing = queries.filter((_, q) => new Set(engines.map((e) => JSON.stringify(e.answer(q)))).size > 1).length;
  answerRounds(engines, queries.length, FIRST_ROUNDS, 0, clock);
  await settle();
  const startLoad = loadavg()[0] as number;
  const phases: Phase[] = [];
  const warming = Math.min(WARMING_ROUNDS, warmupRounds - FIRST_ROUNDS);
  if (warming > 0) phases.push(await timedPhase('warming', engines, queries.length, warming, FIRST_ROUNDS, clock));
  answerRounds(engines, queries.length, warmupRounds - FIRST_ROUNDS - warming, FIRST_ROUNDS + warming, clock);
  phases.push(await timedPhase('settled', engines, queries.length, rounds, warmupRounds, clock));
  const overhead = overheadUs(clock);
  const endLoad = loadavg()[0] as number;
  clock.close();

  const data = (engines[0] as PlotEngine).data;
  const withExtract = encodeSegment(data, {}).bytes;
  const before = encodeSegment(withoutExtracts(data), {}).bytes;
  const readyBefore = readyMs(before, 5);
  const readyAfter = readyMs(withExtract, 5);
  const mb = (n: number) => fmt(n / 1e6, 1);
  // The settled phase first: it is what the target is about.
  const ordered = [...phases].reverse();
  const rows = engines.flatMap((engine, e) =>
    ordered.flatMap((phase) => {
      const s = phase.samples[e] as Samples;
      return [
        percentileRow(engine.label, phase, 'wall', s.wall),
        percentileRow(engine.label, phase, 'process CPU', s.processCpu),
        percentileRow(engine.label, phase, 'main-thread CPU', s.threadCpu),
      ];
    }),
  );
  const gcRows = ordered.map((phase) => [
    `${phase.name} (${phase.rounds})`,
    String(phase.gcs.length),
    fmt(
      phase.gcs.reduce((ms, g) => ms + g.to - g.from, 0),
      1,
    ),
    phase.samples.map((s) => String(s.duringGc(phase.gcs))).join(' / '),
    fmt(phase.otherThreadsUs, 0),
  ]);
  return [
    `## Plot queries on the 2023 catalogue (${movies.length.toLocaleString('en-US')} movies; in process, per query)\n`,
    `${queries.length} queries, limit 20, ${rounds} settled rounds after ${warmupRounds} (BENCH_PLOT_WARMUP_ROUNDS; the first ` +
      `${FIRST_ROUNDS} untimed, the next ${warming} timed as "warming"). Each sample times one query three ways: wall, ` +
      `the process's CPU (every thread: GC helpers and V8's compiler on the other core count in whichever sample reads ` +
      `them) and the main thread's own CPU (/proc/thread-self/schedstat). An empty call measured the same way reads ` +
      `${fmt(overhead, 1)} µs of main-thread CPU (median), included in every sample. Load average ${fmt(startLoad, 1)}–${fmt(endLoad, 1)}.` +
      (engines.length > 1
        ? ` The build before (BENCH_BEFORE_CLI) answers the same queries in the same rounds, interleaved query by query; ` +
          `answers differing: ${differing} of ${queries.length}.`
        : ''),
    '',
    table(['build', 'phase (rounds)', 'time', 'p50 µs', 'p90 µs', 'p99 µs', 'max µs'], rows),
    '',
    'Target: p99 under 2 ms.',
    '',
    slowestQueries(engines, phases.at(-1) as Phase, queries, 5),
    '',
    table(
      [
        'phase (rounds)',
        'collections',
        'their ms',
        `samples during one (${engines.map((e) => e.label).join(' / ')})`,
        "other threads' CPU µs per query",
      ],
      gcRows,
    ),
    '',
    table(
      ['segment of the 2023 catalogue', 'MB', 'ready ms (median of 5)'],
      [
        ['without the extract index (before)', mb(before.length), fmt(readyBefore, 0)],
        ['with it (after)', mb(withExtract.length), fmt(readyAfter, 0)],
      ],
    ),
    '',
  ].join('\n');
}

runIfMain(import.meta.url, () => benchPlotEngine());
