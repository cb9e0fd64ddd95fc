/**
 * The figures of a phase, drawn from what the soak recorded: latency and throughput from the load's
 * samples, swaps and warm times from the status looks, memory from the RSS samples.
 */
import { TICKS_PER_SECOND } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { splitByMoment, type Moment, type SwapMoment } from './moments.js';
import type { StatusSample } from './observe.js';
import type { PhaseMeasure } from './phase.js';
import { slopePerMinute, windowedP99, type LatencySummary } from './samples.js';

/** One look at one cinedex process in /proc. */
export interface ProcessSample {
  readonly at: number;
  readonly pid: number;
  readonly mib: number;
  /** CPU used since it started, in /proc ticks. */
  readonly ticks: number;
}

export interface ProcessMemory {
  readonly pid: number;
  readonly role: 'primary' | 'worker';
  readonly startMiB: number;
  readonly endMiB: number;
  readonly minMiB: number;
  readonly maxMiB: number;
  /** Least-squares slope over the phase. */
  readonly slopeMiBPerMin: number;
  /**
   * The lowest RSS of each window (the phase in the latency windows): what stays after collections.
   * Its slope leaves the first window out, where the heap grows to hold two versions at once.
   */
  readonly floorMiB: readonly number[];
  readonly floorSlopeMiBPerMin: number;
  /** Each whole minute of the phase: the cores the process used and its lowest RSS, to see both stay flat over a long run. */
  readonly perMinute: readonly ProcessMinute[];
  /** Least-squares slope of the per-minute cores: a run whose cost grows with history shows here. */
  readonly coresSlopePerMin: number;
}

export interface ProcessMinute {
  readonly cores: number;
  readonly floorMiB: number;
}

export interface PhaseFigures {
  readonly name: string;
  readonly seconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latency: LatencySummary;
  readonly failed: number;
  readonly cpuUsPerRequest: number;
  readonly measure: PhaseMeasure;
  /** Versions that went live in some serving process during the phase. */
  readonly versions: number;
  /** Swaps each serving process completed during the phase, by pid. */
  readonly swapsByPid: ReadonlyMap<number, number>;
  /** Each warm figure /v1/status reported for versions that went live in the phase: median and max over them. */
  readonly warm: ReadonlyMap<string, { readonly median: number; readonly max: number }>;
  readonly memory: readonly ProcessMemory[];
  readonly windowSeconds: number;
  readonly windowP99Ms: readonly number[];
  /** From the start of the check that found a version to the version going live in that process, over swaps seen whole. */
  readonly loadMs: { readonly median: number; readonly max: number; readonly seen: number };
  /** From a version's publication (snapshotCreatedAt) to the last worker serving it, over versions every worker served. */
  readonly publishedToLiveMs: { readonly median: number; readonly max: number };
  readonly byMoment: ReadonlyMap<Moment, LatencySummary>;
}

/** Each swap once: a (pid, loadedAt) pair, with the start of the load when a look caught it before the next check. */
export function swapsSeen(samples: readonly StatusSample[]): SwapMoment[] {
  const swaps = new Map<string, SwapMoment>();
  for (const s of samples) {
    if (s.loadedAt === undefined) continue;
    const key = `${s.pid} ${s.loadedAt}`;
    const known = swaps.get(key);
    // The check that swapped is the one that began before the swap; later checks overwrite lastCheck.
    const loadStartedAt = s.lastCheck !== undefined && s.lastCheck <= s.loadedAt ? s.lastCheck : known?.loadStartedAt;
    swaps.set(key, { pid: s.pid, swappedAt: s.loadedAt, ...(loadStartedAt !== undefined ? { loadStartedAt } : {}) });
  }
  return [...swaps.values()];
}

export function memoryOf(
  samples: readonly ProcessSample[],
  pid: number,
  role: ProcessMemory['role'],
  start: number,
  end: number,
  windows: number,
): ProcessMemory {
  const inPhase = samples.filter((s) => s.pid === pid && s.at >= start && s.at <= end && Number.isFinite(s.mib));
  const width = (end - start) / windows;
  const floors = Array.from({ length: windows }, (_, i) => {
    const inWindow = inPhase.filter((s) => s.at >= start + i * width && s.at <= start + (i + 1) * width);
    return { at: start + (i + 0.5) * width, value: Math.min(...inWindow.map((s) => s.mib)) };
  });
  const mibs = inPhase.map((s) => s.mib);
  return {
    pid,
    role,
    startMiB: mibs[0] ?? NaN,
    endMiB: mibs[mibs.length - 1] ?? NaN,
    minMiB: Math.min(...mibs),
    maxMiB: Math.max(...mibs),
    slopeMiBPerMin: slopePerMinute(inPhase.map((s) => ({ at: s.at, value: s.mib }))),
    floorMiB: floors.map((f) => f.value),
    floorSlopeMiBPerMin: slopePerMinute(floors.slice(1).filter((f) => Number.isFinite(f.value))),
    ...minutesOf(inPhase, start, end),
  };
}

const MINUTE_MS = 60_000;

/** A process's samples (its own, in the phase) by whole minute: CPU from the first to the last look in it, and the floor. */
function minutesOf(samples: readonly ProcessSample[], start: number, end: number): Pick<ProcessMemory, 'perMinute' | 'coresSlopePerMin'> {
  const perMinute = Array.from({ length: Math.floor((end - start) / MINUTE_MS) }, (_, i): ProcessMinute => {
    const from = start + i * MINUTE_MS;
    const inMinute = samples.filter((s) => s.at >= from && s.at <= from + MINUTE_MS);
    const first = inMinute[0];
    const last = inMinute[inMinute.length - 1];
    const cores =
      first !== undefined && last !== undefined && last.at > first.at
        ? (last.ticks - first.ticks) / TICKS_PER_SECOND / ((last.at - first.at) / 1000)
        : NaN;
    return { cores, floorMiB: Math.min(...inMinute.map((s) => s.mib)) };
  });
  const coresSlopePerMin = slopePerMinute(
    perMinute.map((m, i) => ({ at: start + (i + 0.5) * MINUTE_MS, value: m.cores })).filter((m) => Number.isFinite(m.value)),
  );
  return { perMinute, coresSlopePerMin };
}

function publishedToLive(live: readonly StatusSample[], workers: readonly number[]): { median: number; max: number } {
  const byVersion = new Map<string, { created: number; live: Map<number, number> }>();
  for (const s of live) {
    if (s.snapshotCreatedAt === undefined || s.loadedAt === undefined) continue;
    const entry = byVersion.get(s.version) ?? { created: s.snapshotCreatedAt, live: new Map<number, number>() };
    entry.live.set(s.pid, s.loadedAt);
    byVersion.set(s.version, entry);
  }
  const lags = [...byVersion.values()]
    .filter((v) => workers.every((pid) => v.live.has(pid)))
    .map((v) => Math.max(...v.live.values()) - v.created);
  return { median: median(lags), max: lags.length > 0 ? Math.max(...lags) : NaN };
}

export function phaseFigures(
  m: PhaseMeasure,
  status: readonly StatusSample[],
  samples: readonly ProcessSample[],
  primary: number,
  workers: readonly number[],
  justSwappedMs: number,
): PhaseFigures {
  const seconds = (m.end - m.start) / 1000;
  const inPhase = (at: number | undefined) => at !== undefined && at >= m.start && at < m.end;
  const swaps = swapsSeen(status).filter((s) => inPhase(s.swappedAt));
  const swapsByPid = new Map<number, number>(workers.map((pid) => [pid, 0]));
  for (const swap of swaps) swapsByPid.set(swap.pid, (swapsByPid.get(swap.pid) ?? 0) + 1);
  const live = status.filter((s) => inPhase(s.loadedAt));
  const warmValues = new Map<string, Map<string, number>>();
  for (const s of live)
    for (const [field, value] of Object.entries(s.warm)) {
      const byVersion = warmValues.get(field) ?? new Map<string, number>();
      byVersion.set(`${s.pid} ${s.version}`, value);
      warmValues.set(field, byVersion);
    }
  const warm = new Map(
    [...warmValues].map(([field, values]) => [field, { median: median([...values.values()]), max: Math.max(...values.values()) }]),
  );
  // Ten windows, none shorter than 10 s.
  const windows = Math.max(1, Math.min(10, Math.round(seconds / 10)));
  const memory = (pid: number, role: ProcessMemory['role']) => memoryOf(samples, pid, role, m.start, m.end, windows);
  const loads = swaps.filter((s) => s.loadStartedAt !== undefined).map((s) => s.swappedAt - (s.loadStartedAt as number));
  return {
    name: m.name,
    seconds,
    requests: m.log.length,
    requestsPerSecond: m.log.length / seconds,
    latency: m.log.summary(),
    failed: m.failures.non2xx + m.failures.errors,
    cpuUsPerRequest: m.primaryUs + m.workersUs,
    measure: m,
    versions: new Set(live.map((s) => s.version)).size,
    swapsByPid,
    warm,
    memory: [memory(primary, 'primary'), ...workers.map((pid) => memory(pid, 'worker'))],
    windowSeconds: seconds / windows,
    windowP99Ms: windowedP99(m.log, m.start, m.end, windows),
    loadMs: { median: median(loads), max: loads.length > 0 ? Math.max(...loads) : NaN, seen: loads.length },
    publishedToLiveMs: publishedToLive(live, workers),
    byMoment: new Map([...splitByMoment(m.log, swapsSeen(status), justSwappedMs)].map(([moment, log]) => [moment, log.summary()])),
  };
}
