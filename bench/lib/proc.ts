/**
 * What Linux /proc says about processes and the machine: CPU ticks (a process's, everyone's, the
 * hypervisor's steal) and memory (VmRSS, VmHWM). Read from outside, so they measure any build of
 * cinedex without touching its code. Without /proc nothing is known: 0 ticks, undefined memory, NaN CPU.
 * Which process is whose child is test/support/processes.ts, which the tests share.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** USER_HZ is 100 on Linux: /proc counts CPU time in hundredths of a second. */
export const TICKS_PER_SECOND = 100;

/** Whether this machine has /proc/stat: without it the CPU figures are unknown. */
export const hasProc = (): boolean => existsSync('/proc/stat');

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

/**
 * Times a process's main thread went to sleep waiting for work (its voluntary context switches): each is a wake-up
 * later, with its switch and cold caches, a cost per turn of the event loop that CPU per request shows below
 * saturation (docs/investigations/cached-answer.md, issue 21's fourth pass). 0 when it is gone or there is no /proc.
 */
export function mainThreadWaits(pid: number | undefined): number {
  const file = `/proc/${pid}/status`;
  if (pid === undefined || !existsSync(file)) return 0;
  try {
    return Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // exited between the two calls
  }
}

/**
 * Nanoseconds a process's threads have run on a CPU (the first field of each /proc/<pid>/task/<tid>/schedstat), 0 when it
 * is gone or there is no schedstat: exact where utime and stime come in 10 ms ticks, so a round of a few thousand
 * requests reads its CPU per request to a fraction of a percent (a thread that ends meanwhile takes its time with it).
 */
export function processCpuNs(pid: number | undefined): number {
  const dir = `/proc/${pid}/task`;
  if (pid === undefined || !existsSync(dir)) return 0;
  let ns = 0;
  try {
    for (const tid of readdirSync(dir)) ns += Number(readFileSync(`${dir}/${tid}/schedstat`, 'utf8').split(' ')[0] ?? 0);
  } catch {
    // exited, or a thread ended, between the two calls: what was read so far
  }
  return ns;
}

/** CPU seconds a process has used since it started (all its threads); NaN without /proc. */
export function processCpuSeconds(pid: number): number {
  return hasProc() ? processTicks(pid) / TICKS_PER_SECOND : NaN;
}

/** CPU ticks of every process but `ours`, by pid: other people's work on this machine. */
export function othersTicks(ours: ReadonlySet<number>): Map<number, number> {
  const ticks = new Map<number, number>();
  if (!existsSync('/proc')) return ticks;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || ours.has(pid)) continue;
    ticks.set(pid, processTicks(pid));
  }
  return ticks;
}

/** The first line of /proc/stat: the CPU columns of every core together. */
const cpuLine = (): string => (hasProc() ? (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '') : '');

/** Time the hypervisor gave our vCPUs to someone else, in ticks (the `steal` column of /proc/stat). */
export function stealTicks(): number {
  return Number(cpuLine().trim().split(/\s+/)[8] ?? 0);
}

/** Busy ticks in a /proc/stat cpu line: all but idle and iowait, steal included. */
export function busyTicks(statLine: string): number {
  const ticks = statLine.trim().split(/\s+/).slice(1, 9).map(Number);
  return ticks.reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0);
}

/**
 * Ticks the whole machine was busy (every process, and time the hypervisor stole); NaN without /proc.
 * Unlike counts per process it includes processes that started and ended in between (test runs).
 */
export function machineBusyTicks(): number {
  return hasProc() ? busyTicks(cpuLine()) : NaN;
}

export interface ProcMemory {
  readonly rssBytes: number;
  readonly peakRssBytes: number;
}

function kibLine(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB\\s*$`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The VmRSS and VmHWM lines of a /proc/<pid>/status text; undefined when either is missing (a zombie has neither). */
export function parseStatus(status: string): ProcMemory | undefined {
  const rssBytes = kibLine(status, 'VmRSS');
  const peakRssBytes = kibLine(status, 'VmHWM');
  return rssBytes === undefined || peakRssBytes === undefined ? undefined : { rssBytes, peakRssBytes };
}

/** Resident memory now (VmRSS) and the peak (VmHWM) since the process started or the peak was reset. */
export function readMemory(pid: number | 'self'): ProcMemory | undefined {
  try {
    return parseStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined; // exited, or no /proc
  }
}

/** Sets VmHWM back to the current RSS (Linux ≥ 4.0, same user), so a later peak is the peak of what came after. */
export function resetPeak(pid: number): boolean {
  const file = `/proc/${pid}/clear_refs`;
  if (!existsSync(file)) return false;
  try {
    writeFileSync(file, '5');
    return true;
  } catch {
    return false;
  }
}
