import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EVENT_LOOP_MONITORING_MS } from '../metrics/prom-client.js';

export type CacheStatus = 'HIT' | 'MISS' | 'REVALIDATED' | 'STALE';
export type UpstreamOutcome = 'response' | 'not_modified' | 'server_error' | 'timeout' | 'error';

/** What the gauges read when scraped, instead of being updated on every request. */
export interface EdgeGauges {
  readonly cacheBytes: () => number;
  readonly cacheEntries: () => number;
  readonly cacheEvictions: () => number;
  readonly upstreamInFlight: () => number;
  readonly upstreamQueued: () => number;
}

/** Origin round trips take milliseconds to seconds, unlike the API's microsecond answers. */
const UPSTREAM_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class EdgeMetrics {
  readonly registry: Registry;
  /**
   * Answers counted in plain numbers and handed to prom-client only when scraped: its `inc()` hashes
   * and validates the labels on every call, which is a noticeable share of a cache hit.
   */
  private readonly answers: Record<CacheStatus, Map<number, number>> = {
    HIT: new Map(),
    MISS: new Map(),
    REVALIDATED: new Map(),
    STALE: new Map(),
  };
  private readonly upstreamDuration: Histogram<'outcome'>;
  private readonly upstreamChildren = new Map<UpstreamOutcome, { observe(value: number): void }>();
  private readonly coalesced: Counter;

  constructor(gauges: EdgeGauges, registry = new Registry()) {
    this.registry = registry;
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_MS });
    const answers = this.answers;
    new Counter({
      name: 'cinedex_edge_responses_total',
      help: 'Relayed answers by X-Cache (HIT, MISS, REVALIDATED, STALE) and status code.',
      labelNames: ['cache', 'status_code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const cache of Object.keys(answers) as CacheStatus[]) {
          for (const [status, count] of answers[cache]) this.inc({ cache, status_code: String(status) }, count);
        }
      },
    });
    this.upstreamDuration = new Histogram({
      name: 'cinedex_edge_upstream_duration_seconds',
      help: 'Requests to the origin, queueing included, by outcome (response, not_modified, server_error, timeout, error).',
      labelNames: ['outcome'],
      buckets: UPSTREAM_BUCKETS,
      registers: [registry],
    });
    this.coalesced = new Counter({
      name: 'cinedex_edge_coalesced_requests_total',
      help: 'Misses that joined a request already in flight to the origin for the same URL instead of sending their own.',
      registers: [registry],
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    gauge('cinedex_edge_cache_bytes', 'Bytes of cached answers (bodies, headers and keys).', gauges.cacheBytes);
    gauge('cinedex_edge_cache_entries', 'Cached answers.', gauges.cacheEntries);
    gauge('cinedex_edge_upstream_in_flight', 'Requests to the origin in flight.', gauges.upstreamInFlight);
    gauge(
      'cinedex_edge_upstream_queued',
      'Requests waiting for a free slot toward the origin (see --max-upstream-concurrency).',
      gauges.upstreamQueued,
    );
    new Counter({
      name: 'cinedex_edge_cache_evictions_total',
      help: 'Cached answers dropped to stay within --cache-max-bytes.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(gauges.cacheEvictions());
      },
    });
  }

  answered(cache: CacheStatus, status: number): void {
    const counts = this.answers[cache];
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }

  upstream(outcome: UpstreamOutcome, seconds: number): void {
    let child = this.upstreamChildren.get(outcome);
    if (!child) {
      child = this.upstreamDuration.labels(outcome);
      this.upstreamChildren.set(outcome, child);
    }
    child.observe(seconds);
  }

  joinedFlight(): void {
    this.coalesced.inc();
  }
}
