/**
 * A cached answer against node:http replaying it, at a fixed rate (`node dist/bench/http/replay-fixed-rate.js [--rate=N]`
 * after `npm run build`): the servers of replay-paired.js (the replay, the fixed page, cinedex at `warn` and `info`,
 * with BENCH_BEFORE_CLI that build's two beside), every one offered the same N requests a second (600 unless said)
 * at the same time by the open-loop generator of the capacity bench, the order their loads start in turning each round.
 * Per server and round: CPU µs per answer (from schedstat, in nanoseconds) and its ratio to the replay's in that
 * round, wake-ups of its main thread per answer, and p99 at that rate; medians of the rounds.
 *
 * Why beside replay-paired.js: there every server is a closed loop, so a server a little dearer than its neighbour
 * also gets fewer requests per turn of its event loop, which makes it dearer still, and its ratio moved by 0.1× between
 * two runs of the same build. Offered the same requests at the same moments, every server answers alike, and the fifth
 * pass's scratch driver doing this was the one measurement two runs agreed on (docs/performance.md, issue 21).
 */
import { pinSelf } from '../lib/launch.js';
import { fmt, table } from '../lib/markdown.js';
import { mainThreadWaits, processCpuNs } from '../lib/proc.js';
import { runIfMain } from '../lib/script.js';
import type { Control } from '../lib/servers.js';
import { median, percentile } from '../lib/stats.js';
import { benchPaths } from '../lib/workload.js';
import { runOpenLoop, type OpenLoopResult } from '../capacity/open-loop.js';
import { startContenders, type Contender } from './replay-paired.js';

const ROUNDS = 12;
const ROUND_SECONDS = 5;
/** Requests a second offered to each server: six servers on one core, shared with others' work, stay below saturation. */
const DEFAULT_RATE = 600;
/** A round counts only if every server answered this share of what it was offered: else it was not at the rate. */
const KEPT_UP = 0.98;
/** Connections per server at most: the rate, not the connections, sets the load. */
const MAX_SOCKETS = 16;

interface Measured {
  readonly cpuUs: number;
  readonly wakeups: number;
  readonly p99Ms: number;
  readonly answered: number;
  /** It answered what it was offered (no abort, at least KEPT_UP of the schedule). */
  readonly keptUp: boolean;
}

export async function benchReplayFixedRate(paths: readonly string[], rate: number): Promise<string> {
  pinSelf(1);
  const started: Control[] = [];
  try {
    const { all, replay } = await startContenders(paths, started);
    console.log(`  warming every server for 10 s at ${rate} requests a second`);
    await loadAll(all, rate, 10, 0);
    const per = new Map<string, Measured[]>(all.map((c) => [c.name, []]));
    const ratios = new Map<string, number[]>(all.map((c) => [c.name, []]));
    let skipped = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const measured = await loadAll(all, rate, ROUND_SECONDS, round + 1);
      const line = all.map((c, i) => `${c.name} ${fmt(measured[i]?.cpuUs ?? NaN, 1)} µs/req`).join('; ');
      if (!measured.every((m) => m.keptUp)) {
        skipped++;
        console.log(`  round ${round + 1} (a server fell behind the rate: left out): ${line}`);
        continue;
      }
      const replayCpu = measured[all.indexOf(replay)]?.cpuUs ?? NaN;
      all.forEach((c, i) => {
        const m = measured[i] as Measured;
        per.get(c.name)?.push(m);
        ratios.get(c.name)?.push(m.cpuUs / replayCpu);
      });
      console.log(`  round ${round + 1}: ${line}`);
    }
    const of = (name: string, pick: (m: Measured) => number): number => median((per.get(name) ?? []).map(pick));
    const rows = all.map((c) => {
      const sorted = [...(ratios.get(c.name) ?? [])].sort((a, b) => a - b);
      return [
        c.name,
        fmt(
          of(c.name, (m) => m.cpuUs),
          1,
        ),
        `${fmt(median(sorted), 2)}×`,
        `${fmt(percentile(sorted, 25), 2)}× – ${fmt(percentile(sorted, 75), 2)}×`,
        fmt(
          of(c.name, (m) => m.wakeups),
          3,
        ),
        fmt(
          of(c.name, (m) => m.p99Ms),
          2,
        ),
        fmt(
          of(c.name, (m) => m.answered),
          0,
        ),
      ];
    });
    return (
      `### A cached answer against node:http replaying it, at ${rate} requests a second each (${ROUNDS} rounds, medians)\n\n` +
      table(
        ['server', 'CPU µs / request', 'CPU × replay', 'middle half of rounds', 'wake-ups / request', 'p99 ms', 'answers a round'],
        rows,
      ) +
      `\n\nEvery server on core 0, the open-loop generator on core 1; all offered ${rate} requests a second at once for ` +
      `${ROUND_SECONDS} s a round (at most ${MAX_SOCKETS} connections each), the order their loads start in turning each round; ` +
      `${skipped} of ${ROUNDS} rounds left out, in which a server answered less than ${KEPT_UP * 100} % of what it was offered.\n`
    );
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
}

/** Every server offered `rate` at once, the loads started from the `turn`-th server on; what each used per answer. */
async function loadAll(all: readonly Contender[], rate: number, seconds: number, turn: number): Promise<Measured[]> {
  const before = all.map((c) => processCpuNs(c.server.pid));
  const waits = all.map((c) => mainThreadWaits(c.server.pid));
  const runs = new Array<Promise<OpenLoopResult>>(all.length);
  for (let k = 0; k < all.length; k++) {
    const i = (turn + k) % all.length;
    const c = all[i] as Contender;
    runs[i] = runOpenLoop({ base: c.server.base, paths: c.targets, rate, seconds, maxSockets: MAX_SOCKETS, firstPath: turn * 997 });
  }
  const results = await Promise.all(runs);
  return all.map((c, i) => {
    const r = results[i] as OpenLoopResult;
    const answered = r.ok + r.non2xx;
    return {
      cpuUs: answered > 0 ? (processCpuNs(c.server.pid) - (before[i] ?? 0)) / 1000 / answered : NaN,
      wakeups: answered > 0 ? (mainThreadWaits(c.server.pid) - (waits[i] ?? 0)) / answered : NaN,
      p99Ms: r.p99Ms,
      answered,
      keptUp: !r.aborted && answered >= KEPT_UP * r.scheduled,
    };
  });
}

/** `--rate=N` from the command line, or the default. */
function rateArgument(argv: readonly string[]): number {
  const given = argv.find((a) => a.startsWith('--rate='));
  const rate = given === undefined ? DEFAULT_RATE : Number(given.slice('--rate='.length));
  if (!Number.isFinite(rate) || rate <= 0) throw new Error(`--rate must be a positive number of requests a second, not ${given}`);
  return rate;
}

runIfMain(import.meta.url, () => benchReplayFixedRate(benchPaths(), rateArgument(process.argv.slice(2))));
