/**
 * CPU accounting between two moments, from /proc (proc.ts; absent elsewhere: then the figures are NaN or
 * undefined). A measurement reads the server's own CPU, to give CPU per request, and everyone else's,
 * because on a shared machine another process on the server's core changes the latency being measured.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { hasProc, othersTicks, processTicks, stealTicks, TICKS_PER_SECOND } from './proc.js';

const TICK_US = 1_000_000 / TICKS_PER_SECOND;

/** The CPU counters at one moment; two marks give the use in between. */
export interface CpuMark {
  readonly at: number;
  readonly server: number;
  readonly others: Map<number, number>;
  readonly steal: number;
  readonly proc: boolean;
}

/** `server`: the processes whose CPU is measured; `ours`: our other processes, left out of "others". */
export function mark(server: readonly (number | undefined)[], ours: readonly (number | undefined)[]): CpuMark {
  const own = new Set([process.pid, ...server, ...ours].filter((p): p is number => p !== undefined));
  return {
    at: performance.now(),
    server: server.reduce<number>((n, pid) => n + processTicks(pid), 0),
    others: othersTicks(own),
    steal: stealTicks(),
    proc: hasProc(),
  };
}

/**
 * Cores used by processes not ours (and stolen by the hypervisor) over the interval; undefined
 * without /proc. Counted per process, the way our own CPU is, so the two are comparable; a process
 * that started meanwhile counts whole, one that ended meanwhile is missed.
 */
export function otherCores(a: CpuMark, b: CpuMark): number | undefined {
  if (!a.proc) return undefined;
  let ticks = b.steal - a.steal;
  for (const [pid, t] of b.others) ticks += t - (a.others.get(pid) ?? 0);
  return ticks / TICKS_PER_SECOND / ((b.at - a.at) / 1000);
}

/** The server's CPU between two marks: µs per answered request and share of its core (NaN without /proc). */
export function serverUse(a: CpuMark, b: CpuMark, answered: number): { readonly cpuUs: number; readonly core: number } {
  const ticks = b.server - a.server;
  const seconds = (b.at - a.at) / 1000;
  return {
    cpuUs: !a.proc || answered === 0 ? NaN : (ticks * TICK_US) / answered,
    core: !a.proc ? NaN : ticks / TICKS_PER_SECOND / seconds,
  };
}

/**
 * Waits, in half-second looks and for `maxSeconds` at most, until others use less than `disturbedCores`;
 * returns what they used in the last look (undefined without /proc), so a step can say it ran on a busy machine.
 */
export async function waitForQuiet(
  ours: readonly (number | undefined)[],
  disturbedCores: number,
  maxSeconds = 30,
): Promise<number | undefined> {
  let other: number | undefined;
  for (let waited = 0; waited < maxSeconds; waited += 0.5) {
    const a = mark([], ours);
    await sleep(500);
    other = otherCores(a, mark([], ours));
    if (other === undefined || other < disturbedCores) return other;
  }
  return other;
}
