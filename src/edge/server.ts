import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { EdgeConfig } from '../config/edge-config.js';
import { clientErrorHandler } from '../node-http/client-error.js';
import { matchesIfNoneMatch } from '../node-http/etag.js';
import { PROBLEM_TYPES, problem, problemParts, type Problem } from '../node-http/problem.js';
import { negotiateEncoding } from '../node-http/accept-encoding.js';
import { requestFacts } from '../node-http/request-facts.js';
import { RequestIds } from '../node-http/request-id.js';
import { createNodeServer, MAX_HEADER_BYTES } from '../node-http/server-factory.js';
import { Drain } from '../runtime/drain.js';
import { ageHeader } from './cache-policy.js';
import { EdgeMetrics, type CacheStatus } from './edge-metrics.js';
import { forwardedRequestHeaders } from './relay-headers.js';
import { EdgeRelay, representationKey, type Answer, type StoredResponse } from './relay.js';
import { Upstream } from './upstream.js';

export type EdgeOptions = Pick<
  EdgeConfig,
  'origin' | 'cacheMaxBytes' | 'upstreamTimeoutSeconds' | 'staleIfErrorSeconds' | 'maxUpstreamConcurrency'
> & {
  readonly log: Logger;
  /** Largest origin answer relayed; answers are buffered whole to share and cache them. */
  readonly maxBodyBytes?: number;
  /** The clock freshness is judged by (Date.now unless given): a test moves it instead of sleeping past an age. */
  readonly now?: () => number;
};

export interface Edge {
  readonly server: Server;
  readonly relay: EdgeRelay;
  readonly metrics: EdgeMetrics;
  readonly upstream: Upstream;
  readonly isDraining: boolean;
  /** Resolves with the port listened on (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Readiness 503 at once, keep serving for `drainSeconds`, then close. Idempotent. */
  drain(reason: string, drainSeconds: number): Promise<void>;
  /** Ends the drain period now (Drain.endPeriod): the listener closes, in-flight requests finish. */
  endDrainPeriod(reason: string): void;
  /** Stop accepting, close idle connections, let in-flight requests finish, then drop origin connections. */
  close(): Promise<void>;
}

export const MAX_RELAYED_BODY_BYTES = 16 * 1024 * 1024;

/**
 * `cinedex edge` over plain node:http: a cache hit is a Map lookup and one `writeHead`, which keeps
 * it close to the cost of a bare node:http handler (a framework's routing, hooks and reply object
 * would cost more than the hit itself). `/healthz`, `/readyz` and `/metrics` are the edge's own;
 * every other GET or HEAD is relayed to the origin.
 */
export function createEdge(options: EdgeOptions): Edge {
  const { log, now: clock = Date.now } = options;
  const upstream = new Upstream({
    origin: options.origin,
    timeoutMs: options.upstreamTimeoutSeconds * 1000,
    maxConcurrency: options.maxUpstreamConcurrency,
    maxBodyBytes: options.maxBodyBytes ?? MAX_RELAYED_BODY_BYTES,
  });
  // The relay and the gauges need each other: the holder breaks the cycle.
  const holder: { relay?: EdgeRelay } = {};
  const metrics = new EdgeMetrics({
    cacheBytes: () => holder.relay?.cache.bytes ?? 0,
    cacheEntries: () => holder.relay?.cache.size ?? 0,
    cacheEvictions: () => holder.relay?.cache.evictions ?? 0,
    upstreamInFlight: () => upstream.inFlight,
    upstreamQueued: () => upstream.queued,
  });
  const relay = new EdgeRelay({
    fetch: (path, headers) => upstream.get(path, headers),
    origin: options.origin,
    cacheMaxBytes: options.cacheMaxBytes,
    staleIfErrorSeconds: options.staleIfErrorSeconds,
    metrics,
    log,
    now: clock,
  });
  holder.relay = relay;

  const requestIds = new RequestIds();
  const debug = log.isLevelEnabled('debug');

  /** Every answer leaves through here, so that while draining each one closes its connection and keep-alive clients move elsewhere. */
  const finish = (res: ServerResponse, status: number, headers: string[], body?: Buffer | string): void => {
    if (drain.isDraining) headers.push('connection', 'close');
    res.writeHead(status, headers);
    res.end(body);
  };

  /** A problem of the relay itself (bad request, origin failure): counted as a miss, like every answer the cache did not give. */
  const sendProblem = (res: ServerResponse, p: Problem, requestId: string, extra: string[] = []): void => {
    metrics.answered('MISS', p.status);
    sendOwnProblem(res, p, ['age', '0', 'x-cache', 'MISS', 'x-request-id', requestId, ...extra]);
  };

  const reply = (
    req: IncomingMessage,
    res: ServerResponse,
    r: StoredResponse,
    cache: CacheStatus,
    age: number,
    requestId: string,
    ifNoneMatch: string | undefined,
  ): void => {
    if (ifNoneMatch !== undefined && r.status === 200 && r.etag !== undefined && matchesIfNoneMatch(ifNoneMatch, r.etag)) {
      // The client already holds this version: RFC 9110 §15.4.5 headers only.
      const headers = ['etag', r.etag, 'age', String(age), 'x-cache', cache, 'x-request-id', requestId];
      if (r.cacheControl !== undefined) headers.push('cache-control', r.cacheControl);
      metrics.answered(cache, 304);
      finish(res, 304, headers);
      return;
    }
    metrics.answered(cache, r.status);
    const headers = r.headers.concat('age', String(age), 'x-cache', cache, 'x-request-id', requestId);
    if (r.status === 304 || r.status === 204) {
      finish(res, r.status, headers);
      return;
    }
    headers.push('content-length', r.contentLength);
    finish(res, r.status, headers, req.method === 'HEAD' ? undefined : r.body);
  };

  const answer = (req: IncomingMessage, res: ServerResponse, a: Answer, requestId: string, ifNoneMatch: string | undefined): void => {
    if (a.kind === 'response') reply(req, res, a.response, a.cache, a.age, requestId, ifNoneMatch);
    else sendProblem(res, a.problem, requestId, a.retryAfter === undefined ? [] : ['retry-after', a.retryAfter]);
  };

  const own = async (path: string, res: ServerResponse): Promise<void> => {
    if (path === '/healthz')
      return finish(res, 200, ['content-type', 'application/json; charset=utf-8', 'cache-control', 'no-store'], '{"status":"ok"}');
    if (path === '/readyz') {
      if (drain.isDraining)
        return sendOwnProblem(res, problem(503, PROBLEM_TYPES.notReady, 'Service Unavailable', 'shutting down: this edge is draining'));
      return finish(
        res,
        200,
        ['content-type', 'application/json; charset=utf-8', 'cache-control', 'no-store'],
        JSON.stringify({ status: 'ready', origin: options.origin }),
      );
    }
    const text = await metrics.registry.metrics();
    finish(res, 200, ['content-type', metrics.registry.contentType, 'cache-control', 'no-store'], text);
  };

  /** Every problem the edge writes, in the one problem spelling; `extra` adds the relay's headers. */
  const sendOwnProblem = (res: ServerResponse, p: Problem, extra: readonly string[] = []): void => {
    const { headers, body } = problemParts(p);
    finish(res, p.status, [...headers, ...extra], body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const facts = requestFacts(req.rawHeaders);
    const requestId = requestIds.next(facts.requestId);
    if (debug) {
      const started = performance.now();
      res.once('finish', () =>
        log.debug(
          {
            reqId: requestId,
            method: req.method,
            url,
            status: res.statusCode,
            ms: Math.round((performance.now() - started) * 1000) / 1000,
          },
          'request',
        ),
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendProblem(
        res,
        problem(
          405,
          PROBLEM_TYPES.methodNotAllowed,
          'Method Not Allowed',
          `the edge relays only GET and HEAD; ${req.method} is not allowed here`,
        ),
        requestId,
        ['allow', 'GET, HEAD'],
      );
      return;
    }
    // Absolute-form targets (proxy requests) and `*` name no path on the origin.
    if (url.charCodeAt(0) !== 47 /* / */) {
      sendProblem(
        res,
        problem(400, PROBLEM_TYPES.badRequest, 'Bad Request', 'the request target must be a path such as /v1/movies'),
        requestId,
      );
      return;
    }
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path === '/healthz' || path === '/readyz' || path === '/metrics') {
      own(path, res).catch((error: unknown) => failed(error, res, requestId));
      return;
    }
    if (facts.credentials) {
      relay.pass(url, forwardedRequestHeaders(req.rawHeaders, req.socket.remoteAddress)).then(
        (a) => answer(req, res, a, requestId, undefined),
        (error: unknown) => failed(error, res, requestId),
      );
      return;
    }
    const now = clock();
    const encoding = negotiateEncoding(facts.acceptEncoding);
    const hit = relay.fresh(representationKey(url, encoding), now);
    if (hit !== undefined) {
      reply(req, res, hit, 'HIT', ageHeader(hit, now), requestId, facts.ifNoneMatch);
      return;
    }
    relay.fetch(url, encoding, requestId).then(
      (a) => answer(req, res, a, requestId, facts.ifNoneMatch),
      (error: unknown) => failed(error, res, requestId),
    );
  };

  const failed = (error: unknown, res: ServerResponse, requestId: string): void => {
    log.error({ reqId: requestId, err: error }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(
      res,
      problem(
        500,
        PROBLEM_TYPES.internal,
        'Internal Server Error',
        `the edge failed to answer; quote request id ${requestId} when reporting this`,
      ),
      requestId,
    );
  };

  const server = createNodeServer(handle);
  server.on('clientError', clientErrorHandler(MAX_HEADER_BYTES));

  const close = (): Promise<void> =>
    new Promise((resolve) => {
      // Origin connections are dropped only once no request needs them any more.
      server.close(() => {
        upstream.close();
        resolve();
      });
      server.closeIdleConnections();
    });
  const drain = new Drain({ close, log });

  return {
    server,
    relay,
    metrics,
    upstream,
    get isDraining() {
      return drain.isDraining;
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as { port: number }).port);
        });
      }),
    drain: (reason, drainSeconds) => drain.run(reason, drainSeconds),
    endDrainPeriod: (reason) => drain.endPeriod(reason),
    close,
  };
}
