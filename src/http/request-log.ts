import type { Logger } from 'pino';
import type { HttpMetrics } from './metrics.js';

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
export function requestRecorder(log: Logger, metrics: HttpMetrics): (record: RequestRecord) => void {
  return (record) => {
    metrics.observe(record.route, record.status, record.ms / 1000, record.client);
    log.info({ ...record, ms: Math.round(record.ms * 1000) / 1000 }, 'request');
  };
}
