import type { Registry as PromRegistry } from 'prom-client';
import { Counter, Gauge, Registry } from '../metrics/prom-client.js';
import type { CatalogueReader } from '../snapshot/catalogue-reader.js';
import type { Recompressor } from './recompressor.js';
import type { ResponseCache } from './response-cache.js';
import { ScrapedHistogram, type HistogramSeries } from './scraped-histogram.js';

/** Buckets reach down to 50 µs: the API answers in well under a millisecond. */
export const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1];

/**
 * Observations a lane's counters hold before adding them to their series. Written in order, eight to a cache line, they
 * cost a hit one line now and then instead of the series, its bounds, its counts and the client's count (some seven
 * objects, each a likely L1 miss per request: docs/investigations/cached-answer.md); a scrape adds them first.
 */
const HELD_OBSERVATIONS = 256;

/** What one answered request adds to the metrics, resolved once per route, status and client rather than per request. */
export class RequestCounters {
  private readonly held = new Float64Array(HELD_OBSERVATIONS);
  private count = 0;

  constructor(
    private readonly latency: HistogramSeries,
    private readonly client: { count: number },
  ) {}

  observe(seconds: number): void {
    this.held[this.count++] = seconds;
    if (this.count === HELD_OBSERVATIONS) this.flush();
  }

  /** Adds the held observations to the series and the client's count: when the buffer is full, and before they are read. */
  flush(): void {
    const { held, count } = this;
    for (let i = 0; i < count; i++) this.latency.observe(held[i] as number);
    this.client.count += count;
    this.count = 0;
  }
}

/**
 * The API's metrics. Per request they cost two increments on plain numbers (the latency series and
 * the client's count), held by the caller or found in a Map; prom-client reads them only when
 * Prometheus scrapes, through `collect()` and ScrapedHistogram.
 */
export class HttpMetrics {
  readonly registry: PromRegistry;
  private readonly latency: ScrapedHistogram<'route' | 'status_code'>;
  private readonly byRoute = new Map<string, Map<number, HistogramSeries>>();
  private readonly byClient = new Map<string, { count: number }>();
  /** Every RequestCounters handed out: their held observations are added before a scrape reads the series. */
  private readonly held: RequestCounters[] = [];

  constructor(reader: CatalogueReader, registry = new Registry(), responses?: ResponseCache, recompressor?: Recompressor) {
    this.registry = registry;
    this.latency = new ScrapedHistogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route pattern and status code.',
      labelNames: ['route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registry,
      beforeRead: () => this.flushHeld(),
    });
    const byClient = this.byClient;
    const flushHeld = () => this.flushHeld();
    new Counter({
      name: 'cinedex_requests_total',
      help: 'Requests by client (API key owner, or anonymous).',
      labelNames: ['client'],
      registers: [registry],
      collect() {
        flushHeld();
        this.reset();
        for (const [client, counter] of byClient) this.inc({ client }, counter.count);
      },
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
    if (recompressor) {
      new Counter({
        name: 'cinedex_recompressions_total',
        help: 'Answers asked for again and offered to the second compression tier: done, failed, or skipped over its queue.',
        labelNames: ['outcome'],
        registers: [registry],
        collect() {
          this.reset();
          const { done, failed, skipped } = recompressor.stats;
          this.inc({ outcome: 'done' }, done);
          this.inc({ outcome: 'failed' }, failed);
          this.inc({ outcome: 'skipped' }, skipped);
        },
      });
      new Gauge({
        name: 'cinedex_recompressions_queued',
        help: 'Recompressions waiting for the budget (MOVIES_RECOMPRESSION_MS) or running.',
        registers: [registry],
        collect() {
          this.set(recompressor.stats.queued);
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

  /** The counters one request of `route` answered with `status` for `client` adds to; callers on a hot path hold them. */
  countersOf(route: string, status: number, client: string): RequestCounters {
    const counters = new RequestCounters(this.latencyOf(route, status), this.clientOf(client));
    this.held.push(counters);
    return counters;
  }

  private flushHeld(): void {
    for (const counters of this.held) counters.flush();
  }

  observe(route: string, status: number, seconds: number, client: string): void {
    this.latencyOf(route, status).observe(seconds);
    this.clientOf(client).count++;
  }

  private latencyOf(route: string, status: number): HistogramSeries {
    let statuses = this.byRoute.get(route);
    if (statuses === undefined) {
      statuses = new Map();
      this.byRoute.set(route, statuses);
    }
    let latency = statuses.get(status);
    if (latency === undefined) {
      const statusCode = String(status);
      latency = this.latency.seriesOf({ route, status_code: statusCode }, `${route} ${statusCode}`);
      statuses.set(status, latency);
    }
    return latency;
  }

  private clientOf(client: string): { count: number } {
    let counter = this.byClient.get(client);
    if (counter === undefined) {
      counter = { count: 0 };
      this.byClient.set(client, counter);
    }
    return counter;
  }
}
