import type { CatalogueReader } from '../snapshot/catalogue-reader.js';
import type { HttpMetrics } from './metrics.js';
import type { MoviesAnswers } from './movies-answer.js';

/** What the routes need from the process; built once by buildServer. */
export interface RouteContext {
  readonly reader: CatalogueReader;
  readonly metrics: HttpMetrics;
  /** The GET /v1/movies answers, shared with the fast lane. */
  readonly answers: MoviesAnswers;
  /** `Cache-Control` for data answers, from the refresh interval: caches never hold data much older than a refresh. */
  readonly cacheControl: string;
  readonly isDraining: () => boolean;
  /** Extra facts for /v1/status from the serving process (refresh errors, ingestion scheduler). */
  readonly status: () => Record<string, unknown>;
}
