/**
 * Measuring one series: the steps of the search, each a constant rate offered by the generator while
 * the server's CPU and everyone else's are sampled, and the series' result.
 */
import { sustains, type OpenLoopResult } from './open-loop.js';
import { fmt } from '../lib/markdown.js';
import { mark, otherCores, serverUse, waitForQuiet } from '../lib/cpu.js';
import type { Generator } from './generator.js';
import { latencyOnlyFailure, nextRate, sustainedRate, type Tried } from './search.js';
import type { SeriesSpec } from './series.js';
import type { Settings } from './settings.js';

export interface Step extends OpenLoopResult {
  readonly passed: boolean;
  /** Server CPU per answered request, µs (from /proc; NaN elsewhere). */
  readonly serverCpuUs: number;
  /** Server CPU as a share of its core. */
  readonly serverCore: number;
  readonly otherCores: number | undefined;
  readonly attempts: number;
  readonly disturbed: boolean;
  /** When a latency-only failure was measured again: the p99 of the first, failing, attempt. */
  readonly firstP99Ms?: number;
}

export interface SeriesResult {
  readonly key: string;
  readonly name: string;
  readonly what: string;
  readonly steps: readonly Step[];
  readonly sustained: number;
  /** The ladder ran out before any step failed: the real capacity is higher. */
  readonly ceilingNotFound: boolean;
  readonly hits: string;
}

/** The step at the sustained rate: where the report reads latency and CPU per request. */
export function sustainedStep(r: SeriesResult): Step | undefined {
  return r.steps.find((s) => s.offered === r.sustained);
}

/**
 * Starts a series, warms it up, offers the rates the search asks for until it is done, and stops it.
 * A step is repeated when others used the machine meanwhile, and once when it failed on latency alone.
 */
export async function runSeries(spec: SeriesSpec, generator: Generator, settings: Settings): Promise<SeriesResult> {
  console.log(`capacity: ${spec.name}…`);
  const running = await spec.start();
  let cursor = 0;
  const load = async (rate: number, seconds: number) => {
    const result = await generator.run({
      base: running.base,
      paths: running.paths,
      rate,
      seconds,
      firstPath: cursor,
      maxSockets: settings.maxSockets,
      drainMs: 2000,
      abortLateMs: 1000,
      transportKind: settings.transport,
      acceptEncoding: running.acceptEncoding,
    });
    cursor = (cursor + result.scheduled) % running.paths.length;
    return result;
  };
  try {
    // JIT, caches (response cache, edge cache) and connections warm before anything counts.
    await load(settings.warmupRate, settings.warmupSeconds);
    const before = await running.snapshot();
    const steps: Step[] = [];
    const tried: Tried[] = [];
    for (
      let rate = nextRate(settings.ladder, tried, settings.refineSteps);
      rate !== undefined;
      rate = nextRate(settings.ladder, tried, settings.refineSteps)
    ) {
      let step: Step | undefined;
      let firstFailure: Step | undefined;
      for (let attempt = 1; attempt <= settings.retries + 2; attempt++) {
        const quiet = await waitForQuiet([generator.pid, ...running.helperPids, ...running.serverPids], settings.disturbedCores);
        if (quiet !== undefined && quiet >= settings.disturbedCores)
          console.log(`  the machine is busy (${fmt(quiet, 2)} cores used by others); measuring anyway`);
        const a = mark(running.serverPids, [generator.pid, ...running.helperPids]);
        const r = await load(rate, settings.stepSeconds);
        const b = mark(running.serverPids, [generator.pid, ...running.helperPids]);
        const other = otherCores(a, b);
        const server = serverUse(a, b, r.ok + r.non2xx);
        const disturbed = other !== undefined && other >= settings.disturbedCores;
        step = {
          ...r,
          passed: sustains(r, { p99Ms: settings.sloMs, minAchievedRatio: 0.98 }),
          serverCpuUs: server.cpuUs,
          serverCore: server.core,
          otherCores: other,
          attempts: attempt,
          disturbed,
          ...(firstFailure ? { firstP99Ms: firstFailure.p99Ms } : {}),
        };
        console.log(
          `  ${String(rate).padStart(6)}/s → ${fmt(r.achieved, 0).padStart(6)}/s  p50 ${fmt(r.p50Ms, 2)}  p99 ${fmt(r.p99Ms, 2)}  p99.9 ${fmt(r.p999Ms, 2)} ms` +
            `  failed ${r.errors + r.non2xx + r.timeouts}  server ${fmt(step.serverCore * 100, 0)} % (${fmt(step.serverCpuUs, 1)} µs/req)` +
            `  send lag p99 ${fmt(r.sendLagP99Ms, 2)} ms  others ${other === undefined ? 'n/a' : fmt(other, 2)}  ${step.passed ? 'ok' : 'FAIL'}${disturbed ? ' (disturbed)' : ''}`,
        );
        if (disturbed && attempt <= settings.retries) continue;
        // A latency-only failure is measured again before it ends the search: one stall of a shared VM should not.
        if (!step.passed && firstFailure === undefined && latencyOnlyFailure(step)) {
          firstFailure = step;
          continue;
        }
        break;
      }
      const done = step as Step;
      steps.push(done);
      tried.push({ rate, ok: done.passed });
    }
    const sustained = sustainedRate(tried);
    return {
      key: spec.key,
      name: spec.name,
      what: spec.what,
      steps: [...steps].sort((x, y) => x.offered - y.offered),
      sustained,
      ceilingNotFound: tried.every((t) => t.ok),
      hits: await running.describe(before),
    };
  } finally {
    generator.reset();
    await running.stop();
  }
}
