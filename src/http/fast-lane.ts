import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveCatalogue } from '../serve/live-catalogue.js';
import { matchesIfNoneMatch } from './etag.js';
import { requestFacts } from './request-facts.js';
import type { RequestIds } from './request-id.js';
import type { RequestRecord } from './request-log.js';
import type { ResponseCache } from './response-cache.js';

export const MOVIES_PATH = '/v1/movies';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const QUESTION_MARK = 63;

export interface FastLaneOptions {
  readonly catalogue: LiveCatalogue;
  readonly responses: ResponseCache;
  readonly requestIds: RequestIds;
  /** Headers every answer carries (nosniff, HSTS), the same object the Fastify hooks apply. */
  readonly securityHeaders: Readonly<Record<string, string>>;
  readonly cacheControl: string;
  readonly maxUrlBytes: number;
  readonly isDraining: () => boolean;
  readonly record: (record: RequestRecord) => void;
}

/**
 * Answers a GET /v1/movies from the response cache straight on node:http, before Fastify sees the
 * request; returns false, having written nothing, for anything it does not answer.
 *
 * Why it exists: the hot path's own work is a few microseconds, but a request through Fastify's
 * lifecycle (request and reply objects, hooks, routing) costs more than node:http's whole answer,
 * which kept one core far below the platform's ceiling. The lane takes only what needs no decision
 * beyond a cache lookup: requests without credentials (an `X-Api-Key` means identifying and
 * possibly refusing the client, which access.ts does; `Authorization` and cookies go the long way
 * too), while not draining (Fastify adds `Connection: close`), within the URL limit, and only
 * answers already computed, and so validated, by the Fastify route. The server does not create the
 * lane at all when keys are required or clients are rate-limited.
 * Its answers are the route's byte for byte, with the same log line and metrics; a test holds it.
 */
export function createFastLane(options: FastLaneOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { catalogue, responses, requestIds, securityHeaders, cacheControl, maxUrlBytes, isDraining, record } = options;
  const securityList = Object.entries(securityHeaders).flat();
  return (req, res) => {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || url.length > maxUrlBytes || !url.startsWith(MOVIES_PATH)) return false;
    if (url.length > MOVIES_PATH.length && url.charCodeAt(MOVIES_PATH.length) !== QUESTION_MARK) return false;
    // Read from the raw headers: req.headers would build node's whole lower-cased header object.
    const facts = requestFacts(req.rawHeaders);
    if (facts.credentials || isDraining()) return false;
    const index = catalogue.current;
    if (index === undefined) return false;
    const answer = responses.get(index.version, url.slice(MOVIES_PATH.length + 1));
    if (answer === undefined) return false;

    const start = performance.now();
    const reqId = requestIds.next(facts.requestId);
    const notModified = matchesIfNoneMatch(facts.ifNoneMatch, answer.etag);
    // One flat list for writeHead: node then writes it as is, with no header map to build.
    const out: (string | number)[] = ['x-request-id', reqId, ...securityList, 'etag', answer.etag, 'cache-control', cacheControl];
    if (notModified) {
      res.writeHead(304, out as string[]);
      res.end();
    } else {
      out.push('content-type', JSON_CONTENT_TYPE, 'content-length', answer.body.length);
      res.writeHead(200, out as string[]);
      res.end(answer.body);
    }
    record({ reqId, client: 'anonymous', method: 'GET', url, route: MOVIES_PATH, status: notModified ? 304 : 200, ms: performance.now() - start });
    return true;
  };
}
