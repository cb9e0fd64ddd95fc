/**
 * CPU accounting from Linux /proc (absent elsewhere: then nothing is known and the figures are NaN or
 * undefined). A step reads the server's own CPU, to give CPU per request, and everyone else's, because
 * on a shared machine another process on the server's core changes the latency being measured.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** USER_HZ is 100 on Linux: /proc counts CPU time in hundredths of a second. */
export const TICKS_PER_SECOND = 100;
const TICK_US = 1_000_000 / TICKS_PER_SECOND;

/** utime + stime of a process (all its threads), in ticks; 0 when it is gone or there is no /proc. */
export function processTicks(pid: number | undefined): number {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return 0;
  try {
    const fields = (readFileSync(file, 'utf8').split(') ')[1] ?? '').split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // exited between the two calls
  }
}

/** CPU seconds a process has used since it started (all its threads); NaN without /proc. */
export function processCpuSeconds(pid: number): number {
  return existsSync('/proc/stat') ? processTicks(pid) / TICKS_PER_SECOND : NaN;
}

/** CPU ticks of every process but ours, by pid: other people's work on this machine. */
function otherProcesses(ours: ReadonlySet<number>): Map<number, number> {
  const ticks = new Map<number, number>();
  if (!existsSync('/proc')) return ticks;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || ours.has(pid)) continue;
    ticks.set(pid, processTicks(pid));
  }
  return ticks;
}

/** Time the hypervisor gave our vCPUs to someone else, in ticks (the `steal` column of /proc/stat). */
function stealTicks(): number {
  if (!existsSync('/proc/stat')) return 0;
  return Number((readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/)[8] ?? 0);
}

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
    others: otherProcesses(own),
    steal: stealTicks(),
    proc: existsSync('/proc/stat'),
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
    await new Promise((r) => setTimeout(r, 500));
    other = otherCores(a, mark([], ours));
    if (other === undefined || other < disturbedCores) return other;
  }
  return other;
}
