/**
 * Per-request samples of a soak phase and the figures drawn from them. Typed arrays rather than
 * objects: a ten-minute phase is millions of requests, and the load generator shares the machine with
 * the servers, so its own garbage collection must stay out of the latencies it measures.
 */
import { summary } from '../lib/stats.js';

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

export class LatencyLog {
  private sent = new Float64Array(1 << 16);
  private took = new Float32Array(1 << 16);
  private size = 0;

  get length(): number {
    return this.size;
  }

  /** `sentAt`: epoch ms when the request was written; `latencyMs`: from then to the end of the answer. */
  push(sentAt: number, latencyMs: number): void {
    if (this.size === this.sent.length) {
      const sent = new Float64Array(this.size * 2);
      sent.set(this.sent);
      this.sent = sent;
      const took = new Float32Array(this.size * 2);
      took.set(this.took);
      this.took = took;
    }
    this.sent[this.size] = sentAt;
    this.took[this.size++] = latencyMs;
  }

  sentAt(i: number): number {
    return this.sent[i] as number;
  }

  latency(i: number): number {
    return this.took[i] as number;
  }

  summary(): LatencySummary {
    return summarise(this.took.slice(0, this.size));
  }

  /** The samples sent in [from, to), as their own log. */
  between(from: number, to: number): LatencyLog {
    const out = new LatencyLog();
    for (let i = 0; i < this.size; i++) {
      const at = this.sent[i] as number;
      if (at >= from && at < to) out.push(at, this.took[i] as number);
    }
    return out;
  }
}

/** Nearest-rank percentiles; sorts `latencies` in place. */
export function summarise(latencies: Float32Array): LatencySummary {
  const s = summary(latencies);
  return { count: s.count, p50Ms: s.p50, p99Ms: s.p99, p999Ms: s.p999, maxMs: s.max };
}

/** Least-squares slope of `value` against time, per minute (`at` in ms); NaN with fewer than two distinct times. */
export function slopePerMinute(points: readonly { readonly at: number; readonly value: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const meanAt = points.reduce((s, p) => s + p.at, 0) / n;
  const meanValue = points.reduce((s, p) => s + p.value, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.at - meanAt) * (p.value - meanValue);
    variance += (p.at - meanAt) ** 2;
  }
  return variance === 0 ? NaN : (covariance / variance) * 60_000;
}

/**
 * p99 of `windows` equal windows from `from` to `to`: whether a phase's tail is steady or comes from a
 * few bad moments.
 */
export function windowedP99(log: LatencyLog, from: number, to: number, windows: number): number[] {
  const width = (to - from) / windows;
  return Array.from(
    { length: windows },
    (_, i) => log.between(from + i * width, i === windows - 1 ? to : from + (i + 1) * width).summary().p99Ms,
  );
}
