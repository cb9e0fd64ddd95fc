/**
 * Where a slow request sat relative to the swaps: while a serving process was loading the next version,
 * just after one went live (its response cache empty), or between swaps. Read from the processes'
 * own /v1/status (`refresh.lastCheck` of the check that swapped, `loadedAt`), so it needs no hook in
 * the server.
 */
import { LatencyLog } from './samples.js';

export interface SwapMoment {
  readonly pid: number;
  /** Epoch ms the check that found the version began; unknown when the next check overwrote it before we looked. */
  readonly loadStartedAt?: number;
  /** Epoch ms the version went live in that process. */
  readonly swappedAt: number;
}

export const MOMENTS = ['loading', 'just swapped', 'between swaps'] as const;
export type Moment = (typeof MOMENTS)[number];

/** Loading wins over just swapped: with two processes one may be loading while the other has just swapped. */
export function momentOf(at: number, swaps: readonly SwapMoment[], justSwappedMs: number): Moment {
  let justSwapped = false;
  for (const swap of swaps) {
    if (swap.loadStartedAt !== undefined && at >= swap.loadStartedAt && at < swap.swappedAt) return 'loading';
    if (at >= swap.swappedAt && at < swap.swappedAt + justSwappedMs) justSwapped = true;
  }
  return justSwapped ? 'just swapped' : 'between swaps';
}

export function splitByMoment(log: LatencyLog, swaps: readonly SwapMoment[], justSwappedMs: number): Map<Moment, LatencyLog> {
  const out = new Map<Moment, LatencyLog>(MOMENTS.map((moment) => [moment, new LatencyLog()]));
  const sorted = [...swaps].sort((a, b) => a.swappedAt - b.swappedAt);
  const longestLoad = Math.max(0, ...sorted.map((s) => s.swappedAt - (s.loadStartedAt ?? s.swappedAt)));
  for (let i = 0; i < log.length; i++) {
    const at = log.sentAt(i);
    // Only swaps that went live from justSwappedMs before this request to longestLoad after it can matter.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as SwapMoment).swappedAt <= at - justSwappedMs) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < sorted.length && (sorted[end] as SwapMoment).swappedAt <= at + longestLoad) end++;
    (out.get(momentOf(at, sorted.slice(lo, end), justSwappedMs)) as LatencyLog).push(at, log.latency(i));
  }
  return out;
}
