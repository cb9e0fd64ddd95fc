import type { CursorCodec } from '../query/cursor.js';
import type { LiveCatalogue } from '../serve/live-catalogue.js';
import type { HttpMetrics } from './metrics.js';
import type { ResponseCache } from './response-cache.js';

/** What the routes need from the process; built once by buildServer. */
export interface RouteContext {
  readonly catalogue: LiveCatalogue;
  readonly codec: CursorCodec;
  readonly metrics: HttpMetrics;
  /** Finished GET /v1/movies answers of the current data version; the fast lane serves them too. */
  readonly responses: ResponseCache;
  /** `Cache-Control` for data answers, from the refresh interval: caches never hold data much older than a refresh. */
  readonly cacheControl: string;
  readonly isDraining: () => boolean;
  /** Extra facts for /v1/status from the serving process (refresh errors, ingestion scheduler). */
  readonly status: () => Record<string, unknown>;
}
