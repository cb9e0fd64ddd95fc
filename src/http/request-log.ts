import type { Logger } from 'pino';
import type { HttpMetrics, RequestCounters } from './metrics.js';

/** One answered request, as logged and measured. */
export interface RequestRecord {
  readonly reqId: string;
  readonly client: string;
  readonly method: string;
  readonly url: string;
  /** The route pattern (`/v1/movies/:id`), never the raw path: metric labels stay bounded. */
  readonly route: string;
  readonly status: number;
  readonly ms: number;
}

/**
 * The one place a finished request is logged (one JSON line) and counted in the metrics, whether
 * Fastify or the fast lane answered it, so both produce the same log lines and series.
 */
export class RequestRecorder {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: HttpMetrics,
  ) {}

  /** Whether a request gets a log line (`info` and below): when not, callers need not build the record's strings. */
  get logs(): boolean {
    return this.logger.isLevelEnabled('info');
  }

  /** The counters of a route, status and client, for a caller that answers many requests alike. */
  countersOf(route: string, status: number, client: string): RequestCounters {
    return this.metrics.countersOf(route, status, client);
  }

  /** Counts and logs a request answered once in a while (the Fastify routes): its counters are looked up. */
  record(record: RequestRecord): void {
    this.metrics.observe(record.route, record.status, record.ms / 1000, record.client);
    if (this.logs) this.log(record);
  }

  /** The request's log line, for a caller that counted it already. */
  log(record: RequestRecord): void {
    this.logger.info({ ...record, ms: Math.round(record.ms * 1000) / 1000 }, 'request');
  }
}
