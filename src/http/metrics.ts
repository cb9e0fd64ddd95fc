import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CatalogueReader } from '../snapshot/catalogue-reader.js';
import type { ResponseCache } from './response-cache.js';

/** Buckets reach down to 50 µs: the API answers in well under a millisecond. */
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1];

export class HttpMetrics {
  readonly registry: Registry;
  private readonly latency: Histogram<'route' | 'status_code'>;
  /** Label children cached per (route, status): `labels()` costs a lookup and an allocation each call. */
  private readonly children = new Map<string, { observe(value: number): void }>();
  private readonly requests: Counter<'client'>;
  private readonly clientChildren = new Map<string, { inc(): void }>();

  constructor(reader: CatalogueReader, registry = new Registry(), responses?: ResponseCache) {
    this.registry = registry;
    collectDefaultMetrics({ register: registry });
    this.latency = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route pattern and status code.',
      labelNames: ['route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    this.requests = new Counter({
      name: 'cinedex_requests_total',
      help: 'Requests by client (API key owner, or anonymous).',
      labelNames: ['client'],
      registers: [registry],
    });
    new Gauge({
      name: 'cinedex_catalogue_movies',
      help: 'Movies in the catalogue version being served.',
      registers: [registry],
      collect() {
        this.set(reader.dataset?.index.size ?? 0);
      },
    });
    if (responses) {
      // Read from the cache's own plain counters at scrape time: nothing extra on the hot path.
      new Counter({
        name: 'cinedex_response_cache_lookups_total',
        help: 'GET /v1/movies 200 answers, by whether the response cache held them (hit) or they were computed (miss).',
        labelNames: ['result'],
        registers: [registry],
        collect() {
          this.reset();
          this.inc({ result: 'hit' }, responses.stats.hits);
          this.inc({ result: 'miss' }, responses.stats.misses);
        },
      });
      new Gauge({
        name: 'cinedex_response_cache_bytes',
        help: 'Bytes of answers held by the response cache (bounded by MOVIES_RESPONSE_CACHE_BYTES).',
        registers: [registry],
        collect() {
          this.set(responses.stats.bytes);
        },
      });
    }
    new Gauge({
      name: 'cinedex_data_info',
      help: 'The data version being served (value is always 1).',
      labelNames: ['version'],
      registers: [registry],
      collect() {
        this.reset();
        const version = reader.dataset?.index.version;
        if (version !== undefined) this.set({ version }, 1);
      },
    });
  }

  observe(route: string, status: number, seconds: number, client: string): void {
    let counter = this.clientChildren.get(client);
    if (!counter) {
      counter = this.requests.labels(client);
      this.clientChildren.set(client, counter);
    }
    counter.inc();
    const key = `${route} ${status}`;
    let child = this.children.get(key);
    if (!child) {
      child = this.latency.labels(route, String(status));
      this.children.set(key, child);
    }
    child.observe(seconds);
  }
}
