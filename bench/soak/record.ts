/**
 * SOAK_RECORD=file.json keeps a run's raw series for a closer look than the section gives: the load
 * in bins of 100 ms, every /v1/status look and every /proc sample (RSS, CPU ticks) of each process.
 */
import { writeFileSync } from 'node:fs';
import type { ProcessSample } from './figures.js';
import type { StatusSample } from './observe.js';
import type { PhaseMeasure } from './phase.js';
import { summarise, type LatencyLog } from './samples.js';

export interface LatencyBin {
  /** Epoch ms the bin starts (by send time). */
  readonly at: number;
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The samples of `log` in bins of `binMs` by send time, empty bins included. */
export function latencyBins(log: LatencyLog, from: number, to: number, binMs: number): LatencyBin[] {
  const bins: number[][] = Array.from({ length: Math.ceil((to - from) / binMs) }, () => []);
  for (let i = 0; i < log.length; i++) bins[Math.floor((log.sentAt(i) - from) / binMs)]?.push(log.latency(i));
  return bins.map((latencies, i) => {
    const s = summarise(Float32Array.from(latencies));
    return { at: from + i * binMs, count: s.count, p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs };
  });
}

export function writeRecord(
  file: string,
  phases: readonly PhaseMeasure[],
  status: readonly StatusSample[],
  processes: readonly ProcessSample[],
  roles: { readonly primary: number; readonly workers: readonly number[] },
): void {
  const record = {
    roles,
    phases: phases.map((p) => ({ name: p.name, start: p.start, end: p.end, bins: latencyBins(p.log, p.start, p.end, 100) })),
    status,
    processes,
  };
  writeFileSync(file, JSON.stringify(record));
}
