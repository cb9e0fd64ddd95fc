/** Replica sizing from a per-core rate: the formulas the report's tables apply, kept pure so they are tested. */

export interface Sizing {
  /** Requests per second at peak. */
  readonly peak: number;
  /** Requests per second one core sustains within the SLO. */
  readonly perCore: number;
  readonly coresPerPod: number;
  /** Share of that rate a pod is planned to run at (headroom for bursts, GC, noisy neighbours). */
  readonly utilisation: number;
  /** Pods on top, so losing one (node failure, eviction) keeps the peak within the SLO. */
  readonly spare: number;
  readonly minReplicas: number;
}

/** replicas = max(minReplicas, ceil(peak ÷ (cores × perCore × utilisation)) + spare). */
export function replicasFor(s: Sizing): number {
  const perPod = s.coresPerPod * s.perCore * s.utilisation;
  if (!(perPod > 0)) return Infinity;
  return Math.max(s.minReplicas, Math.ceil(s.peak / perPod) + s.spare);
}

/** A core's rate for a mix of hits (share h) and misses: time per request is the weighted sum. */
export function mixedRate(hitRate: number, missRate: number, h: number): number {
  return 1 / (h / hitRate + (1 - h) / missRate);
}
