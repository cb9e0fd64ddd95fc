/**
 * A cached answer against node:http replaying it, paired (`node dist/bench/http/replay-paired.js` after `npm run build`):
 * node:http replaying cinedex's recorded answers, node:http writing one fixed page, and cinedex on the repeated mix at
 * `LOG_LEVEL=warn` and at `info` (with BENCH_BEFORE_CLI, that build's two beside), every server pinned to core 0 and
 * the load on core 1. Three measurements, each a ratio taken within one round and then the median of the rounds:
 * - CPU µs per request, all servers loaded at once (paired): each cinedex's CPU per request over the replay's in
 *   the same round (issue 21's 1.1× at `warn`, 1.3× at `info`), and how often its main thread slept and was woken
 *   per request (what a timer waking an idle process costs shows there: issue 21's fourth pass);
 * - requests per second at 16 connections, each server alone for a short slice, the servers in turn and their order
 *   rotating: cinedex's rate over the replay's in the same round (issue 21's 0.9×), and its CPU per request there
 *   over the replay's, at saturation as bench:http measures it but far noisier than the paired figure;
 * - p99 at 4 connections, the same way: cinedex's over the fixed page's (issue 21's 1.3×).
 *
 * Why: on this shared machine others' load moves by several times within a minute, so servers measured in turn
 * for seconds each see different machines (docs/investigations/cached-answer.md, issue 21's "Second pass"). Loaded at once, every
 * server sees the same machine; but then each runs at a fraction of its rate, so CPU paid per turn of the event
 * loop weighs more than at saturation, alike for all. Rates and latency cannot be paired (servers sharing a
 * core share its time), so they are taken in slices of a second, short enough for neighbouring slices to see
 * much the same machine.
 */
import { mark, serverUse } from '../lib/cpu.js';
import { pinSelf } from '../lib/launch.js';
import { closedLoop, sendEach } from '../lib/load.js';
import { loadAtOnce, type PairedRound } from '../lib/paired.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { cinedexCli, startCinedex, startRaw, type Control } from '../lib/servers.js';
import { median, percentile } from '../lib/stats.js';
import { benchPaths } from '../lib/workload.js';
import { BEFORE_CLI } from '../settings.js';
import { record, startReplay } from './replay.js';

const ROUNDS = 15;
const PAIRED_SECONDS = 3;
/** Per server in the paired rounds: with five servers or more on one core, more would only queue. */
const PAIRED_CONNECTIONS = 8;
const SLICE_SECONDS = 1;
/** CPU comes from /proc in 10 ms ticks: a round in which a server answered fewer requests is left out. */
const MIN_REQUESTS = 500;
/** What the fixed page writes: a 20-movie page, as large as a typical answer (as bench/http/main.ts). */
const RAW_PATH = '/v1/movies?limit=20';

export interface Contender {
  readonly name: string;
  readonly server: Control;
  readonly targets: readonly string[];
}

/** The servers of the replay benches, every one of them asked the whole mix once; `started` is stopped by the caller. */
export interface Contenders {
  /** The replay first, then the fixed page, then each cinedex. */
  readonly all: readonly Contender[];
  readonly replay: Contender;
  readonly fixed: Contender;
}

/**
 * node:http replaying cinedex's recorded answers, node:http writing one fixed page, and cinedex on the repeated mix at
 * `LOG_LEVEL=warn` and at `info` (with BENCH_BEFORE_CLI, that build's two beside), all pinned to core 0. Each server
 * is pushed onto `started` as soon as it runs, so that the caller stops it whatever fails later.
 */
export async function startContenders(paths: readonly string[], started: Control[]): Promise<Contenders> {
  const start = async <S extends Control>(s: Promise<S>): Promise<S> => {
    const server = await s;
    started.push(server);
    return server;
  };
  const cinedex = (name: string, env: NodeJS.ProcessEnv, cli: string) =>
    start(startCinedex(env, 0, cli)).then((server): Contender => ({ name, server, targets: paths }));
  const beforeCli = BEFORE_CLI.read();
  // Started alternately, this build's and the other's: in a first run the first started measured dearer than its twin.
  const specs: [string, NodeJS.ProcessEnv, string][] = [
    ['cinedex, warn', { LOG_LEVEL: 'warn' }, cinedexCli],
    ['before: cinedex, warn', { LOG_LEVEL: 'warn' }, beforeCli ?? ''],
    ['cinedex, info (as deployed)', {}, cinedexCli],
    ['before: cinedex, info', {}, beforeCli ?? ''],
  ];
  const cinedexes: Contender[] = [];
  for (const [name, env, cli] of specs) if (cli !== '') cinedexes.push(await cinedex(name, env, cli));
  // Every cinedex is recorded from, not only the one replayed: the same history for all.
  const recorded = await Promise.all(cinedexes.map((c) => record(c.server.base, [...paths, RAW_PATH])));
  const answers = recorded[0] ?? [];
  const rawBody = answers.find(([target]) => target === RAW_PATH)?.[3];
  const replay: Contender = { name: 'node:http replaying the answers', server: await start(startReplay(answers)), targets: paths };
  const fixed: Contender = { name: 'node:http, one fixed page', server: await start(startRaw(rawBody as Buffer)), targets: ['/'] };
  const all = [replay, fixed, ...cinedexes];
  for (const c of all) await sendEach(c.server.base, c.targets, 16);
  return { all, replay, fixed };
}

export async function benchReplayPaired(paths: readonly string[]): Promise<string> {
  pinSelf(1);
  const started: Control[] = [];
  try {
    const { all, replay, fixed } = await startContenders(paths, started);
    console.log('  warming every server for 10 s');
    await loadAll(all, 10);

    const cpu = new Map<string, number[]>(all.map((c) => [c.name, []]));
    const cpuRatio = new Map<string, number[]>(all.map((c) => [c.name, []]));
    const wakeups = new Map<string, number[]>(all.map((c) => [c.name, []]));
    const rps = new Map<string, number[]>(all.map((c) => [c.name, []]));
    const rpsRatio = new Map<string, number[]>(all.map((c) => [c.name, []]));
    const aloneCpuRatio = new Map<string, number[]>(all.map((c) => [c.name, []]));
    const p99 = new Map<string, number[]>(all.map((c) => [c.name, []]));
    const p99Ratio = new Map<string, number[]>(all.map((c) => [c.name, []]));
    const others: number[] = [];
    let skipped = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const r = await loadAll(all, PAIRED_SECONDS);
      const counted = r.requests.every((n) => n >= MIN_REQUESTS);
      if (counted) all.forEach((c, i) => cpu.get(c.name)?.push(r.cpuUs[i] ?? NaN));
      else skipped++;
      if (counted) all.forEach((c, i) => cpuRatio.get(c.name)?.push((r.cpuUs[i] ?? NaN) / (r.cpuUs[0] ?? NaN)));
      all.forEach((c, i) => wakeups.get(c.name)?.push(r.wakeupsPerRequest[i] ?? NaN));
      if (r.others !== undefined) others.push(r.others);
      // Alone, in turn, the order rotating: rates at 16 connections, then latency at 4.
      const order = all.map((_, i) => all[(i + round) % all.length] as Contender);
      const rate = new Map<string, number>();
      const tail = new Map<string, number>();
      const aloneCpu = new Map<string, number>();
      for (const c of order) {
        const before = mark([c.server.pid], []);
        const run = await closedLoop(c.server.base, c.targets, 16, SLICE_SECONDS);
        rate.set(c.name, run.requestsPerSecond);
        aloneCpu.set(c.name, serverUse(before, mark([c.server.pid], []), run.requests).cpuUs);
      }
      for (const c of order) tail.set(c.name, (await closedLoop(c.server.base, c.targets, 4, SLICE_SECONDS)).p99Us);
      for (const c of all) {
        rps.get(c.name)?.push(rate.get(c.name) ?? NaN);
        rpsRatio.get(c.name)?.push((rate.get(c.name) ?? NaN) / (rate.get(replay.name) ?? NaN));
        aloneCpuRatio.get(c.name)?.push((aloneCpu.get(c.name) ?? NaN) / (aloneCpu.get(replay.name) ?? NaN));
        p99.get(c.name)?.push(tail.get(c.name) ?? NaN);
        p99Ratio.get(c.name)?.push((tail.get(c.name) ?? NaN) / (tail.get(fixed.name) ?? NaN));
      }
      console.log(
        `  round ${round + 1}: ` +
          all.map((c, i) => `${c.name} ${fmt(r.cpuUs[i] ?? NaN, 1)} µs/req ${fmt(rate.get(c.name) ?? NaN, 0)} req/s`).join('; ') +
          `; others ${r.others === undefined ? 'n/a' : fmt(r.others, 2)} cores${counted ? '' : ' (too few requests: CPU not counted)'}`,
      );
    }
    const spread = (values: readonly number[]): string => {
      const sorted = [...values].sort((a, b) => a - b);
      return `${fmt(percentile(sorted, 25), 2)}× – ${fmt(percentile(sorted, 75), 2)}×`;
    };
    const rows = all.map((c) => [
      c.name,
      fmt(median(cpu.get(c.name) ?? []), 1),
      `${fmt(median(cpuRatio.get(c.name) ?? []), 2)}×`,
      spread(cpuRatio.get(c.name) ?? []),
      fmt(median(wakeups.get(c.name) ?? []), 3),
      fmt(median(rps.get(c.name) ?? []), 0),
      `${fmt(median(rpsRatio.get(c.name) ?? []), 2)}×`,
      `${fmt(median(aloneCpuRatio.get(c.name) ?? []), 2)}×`,
      fmt(median(p99.get(c.name) ?? []), 0),
      `${fmt(median(p99Ratio.get(c.name) ?? []), 2)}×`,
    ]);
    return (
      `### A cached answer against node:http replaying it (${ROUNDS} rounds, medians of per-round ratios)\n\n` +
      table(
        [
          'server',
          'paired: CPU µs / request',
          'CPU × replay',
          'middle half of rounds',
          'paired: wake-ups / request',
          'alone: req/s (16 conns)',
          'req/s × replay',
          'alone: CPU × replay',
          'alone: p99 µs (4 conns)',
          'p99 × fixed page',
        ],
        rows,
      ) +
      `\n\nEvery server on core 0, the load on core 1. Paired: all loaded at once, ${PAIRED_CONNECTIONS} connections each, ` +
      `${PAIRED_SECONDS} s a round; ${skipped} of ${ROUNDS} rounds left out (a server under ${MIN_REQUESTS} requests). Alone: each ` +
      `server in turn for ${SLICE_SECONDS} s at 16 connections, then at 4, the order rotating per round. Others used ` +
      `${fmt(median(others), 2)} cores (median of the paired rounds).\n`
    );
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
}

/** Every server loaded at once with its own targets. */
function loadAll(all: readonly Contender[], seconds: number): Promise<PairedRound> {
  return loadAtOnce(
    all.map((c) => ({ pid: c.server.pid, base: c.server.base, paths: c.targets })),
    PAIRED_CONNECTIONS,
    seconds,
  );
}

runIfMain(import.meta.url, () => benchReplayPaired(benchPaths()));
