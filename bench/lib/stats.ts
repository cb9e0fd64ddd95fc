/** Percentiles and medians, nearest-rank, the one way every scenario states latency. */

/** Percentile of an ascending-sorted sample (nearest rank); NaN for an empty one. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  // p × n ÷ 100 rather than (p ÷ 100) × n: 99.9 ÷ 100 is not exact in binary, and the rank would round up past 999 of 1,000.
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p * sorted.length) / 100) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** What a latency sample is reported by: its size, the usual percentiles and its maximum (NaN when empty). */
export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/**
 * The summary of a typed-array sample, which it sorts in place. Typed arrays because the long runs
 * (capacity, soak) hold millions of samples, and sorting one is numeric and allocation-free.
 */
export function summary(sample: Float64Array | Float32Array): Summary {
  sample.sort();
  return {
    count: sample.length,
    p50: percentile(sample, 50),
    p90: percentile(sample, 90),
    p99: percentile(sample, 99),
    p999: percentile(sample, 99.9),
    max: sample.length === 0 ? NaN : (sample[sample.length - 1] as number),
  };
}
