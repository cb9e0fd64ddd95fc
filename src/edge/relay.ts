import type { Logger } from 'pino';
import { UpstreamError } from '../errors/errors.js';
import type { Encoding } from '../node-http/accept-encoding.js';
import { PROBLEM_TYPES, problem, type Problem } from '../node-http/problem.js';
import { ageHeader, isFresh, parseAge, servableStale, storagePolicy, type Freshness } from './cache-policy.js';
import type { CacheStatus, EdgeMetrics } from './edge-metrics.js';
import { ByteLru } from '../cache/byte-lru.js';
import { mergeRevalidated, relayedHeaders, VIA } from './relay-headers.js';
import { SingleFlight } from './single-flight.js';
import type { UpstreamResponse } from './upstream.js';

/** An origin answer as the edge keeps and replays it. */
export interface StoredResponse extends Freshness {
  readonly status: number;
  /** Flat end-to-end headers, ready for `writeHead`. */
  readonly headers: readonly string[];
  readonly body: Buffer;
  readonly contentLength: string;
  readonly etag: string | undefined;
  readonly cacheControl: string | undefined;
}

export type Answer =
  | { readonly kind: 'response'; readonly response: StoredResponse; readonly cache: CacheStatus; readonly age: number }
  | { readonly kind: 'problem'; readonly problem: Problem; readonly retryAfter: string | undefined };

export type Fetch = (path: string, headers: Record<string, string>) => Promise<UpstreamResponse>;

export interface RelayOptions {
  readonly fetch: Fetch;
  /** For messages only. */
  readonly origin: string;
  readonly cacheMaxBytes: number;
  readonly staleIfErrorSeconds: number;
  readonly metrics: EdgeMetrics;
  readonly log: Logger;
  readonly now?: () => number;
}

/** The origin gave no answer worth relaying: it failed at the socket, timed out, or answered 5xx. */
type Failure = { readonly error: UpstreamError } | { readonly status: number; readonly retryAfter: string | undefined };
type Exchange = { readonly ok: true; readonly upstream: UpstreamResponse } | { readonly ok: false; readonly failure: Failure };
type Outcome =
  | { readonly ok: true; readonly response: StoredResponse; readonly cache: 'MISS' | 'REVALIDATED' }
  | { readonly ok: false; readonly failure: Failure };

/** The cache key of one representation of a request target: the target alone for identity (a space never occurs in a target). */
export function representationKey(path: string, encoding: Encoding): string {
  return encoding === 'identity' ? path : `${path} ${encoding}`;
}

/** Map slot, entry object and header strings beyond their characters: an estimate, so that many small answers still respect the bound. */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * The caching relay without sockets: fresh answers come from the cache; a miss or an expired entry
 * makes one upstream exchange per URL at a time (revalidating with the stored ETag when there is
 * one), shared by every request for that URL meanwhile; a failed exchange falls back to a stale copy
 * within the stale-if-error allowance, or becomes a problem answer.
 */
export class EdgeRelay {
  readonly cache: ByteLru<StoredResponse>;
  private readonly flights = new SingleFlight<Outcome>();
  private readonly now: () => number;

  constructor(private readonly options: RelayOptions) {
    this.cache = new ByteLru(options.cacheMaxBytes);
    this.now = options.now ?? Date.now;
  }

  /** The hot path: a fresh cached answer, or undefined. Synchronous, so a hit costs no promise. */
  fresh(key: string, now: number): StoredResponse | undefined {
    const entry = this.cache.get(key);
    return entry !== undefined && isFresh(entry, now) ? entry : undefined;
  }

  /**
   * A request that missed: `path` is the request target (path and query), which with the one origin names
   * the full URL; `encoding` the representation the client takes (its Accept-Encoding normalised), asked of
   * the origin and kept apart from the others, so a gzip client and an identity client never get each other's bytes.
   */
  async fetch(path: string, encoding: Encoding, requestId: string): Promise<Answer> {
    const key = representationKey(path, encoding);
    if (this.flights.has(key)) this.options.metrics.joinedFlight();
    const outcome = await this.flights.run(key, () => this.refresh(key, path, encoding, requestId));
    const now = this.now();
    if (outcome.ok) return answer(outcome.response, outcome.cache, now);
    const stale = this.cache.peek(key);
    if (stale !== undefined && servableStale(stale, now, this.options.staleIfErrorSeconds)) return answer(stale, 'STALE', now);
    return this.failed(outcome.failure, path);
  }

  /**
   * A request with credentials (`Authorization`, `X-Api-Key`, `Cookie`): the answer may be personal
   * or refused, so it is relayed with the client's own headers and neither taken from nor put in the
   * shared cache. Otherwise an anonymous client could read what a key holder fetched.
   */
  async pass(key: string, headers: Record<string, string>): Promise<Answer> {
    const exchange = await this.exchange(key, headers);
    if (!exchange.ok) return this.failed(exchange.failure, key);
    const { upstream } = exchange;
    if (upstream.status >= 500) return this.failed(serverError(upstream), key);
    return answer(stored(upstream.status, upstream.rawHeaders, upstream.body, this.now()).response, 'MISS', this.now());
  }

  private async refresh(key: string, path: string, encoding: Encoding, requestId: string): Promise<Outcome> {
    const cached = this.cache.peek(key);
    // Client-independent headers only: the answer is shared by everyone taking this representation of this URL.
    const headers: Record<string, string> = { via: VIA, 'x-request-id': requestId, 'accept-encoding': encoding };
    if (cached?.etag !== undefined) headers['if-none-match'] = cached.etag;
    const exchange = await this.exchange(path, headers);
    if (!exchange.ok) return exchange;
    const { upstream } = exchange;
    const now = this.now();
    if (upstream.status === 304 && cached?.etag !== undefined) {
      const update = relayedHeaders(upstream.rawHeaders);
      const merged = mergeRevalidated(cached.headers, update.headers);
      // The 304's own Cache-Control and Age set the new freshness.
      const refreshed = stored(cached.status, update.age === undefined ? merged : [...merged, 'age', update.age], cached.body, now);
      this.keep(key, refreshed);
      return { ok: true, response: refreshed.response, cache: 'REVALIDATED' };
    }
    // A 304 the edge did not ask for has no body to relay.
    if (upstream.status >= 500 || upstream.status === 304) return { ok: false, failure: serverError(upstream) };
    const fetched = stored(upstream.status, upstream.rawHeaders, upstream.body, now);
    this.keep(key, fetched);
    return { ok: true, response: fetched.response, cache: 'MISS' };
  }

  /** Stores what may be stored; anything else also drops the older copy, which the origin has just superseded. */
  private keep(key: string, s: { response: StoredResponse; store: boolean }): void {
    if (!s.store) {
      this.cache.delete(key);
      return;
    }
    let bytes = ENTRY_OVERHEAD_BYTES + key.length + s.response.body.length;
    for (const h of s.response.headers) bytes += h.length;
    this.cache.set(key, s.response, bytes);
  }

  private async exchange(path: string, headers: Record<string, string>): Promise<Exchange> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const upstream = await this.options.fetch(path, headers);
      this.options.metrics.upstream(
        upstream.status === 304 ? 'not_modified' : upstream.status >= 500 ? 'server_error' : 'response',
        seconds(),
      );
      return { ok: true, upstream };
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      this.options.metrics.upstream(error.code === 'UPSTREAM_TIMEOUT' ? 'timeout' : 'error', seconds());
      this.options.log.warn({ path, code: error.code, cause: error.causeCode }, error.message);
      return { ok: false, failure: { error } };
    }
  }

  private failed(failure: Failure, path: string): Answer {
    const target = `GET ${path.slice(0, 200)}`;
    const fallback = 'and this edge holds no usable copy to fall back on; retry shortly, and check the origin if it persists';
    if ('status' in failure) {
      this.options.log.warn({ path, status: failure.status }, 'origin answered with a server error');
      const p = problem(
        502,
        PROBLEM_TYPES.originFailed,
        'Bad Gateway',
        `the origin ${this.options.origin} answered ${failure.status} to ${target}, ${fallback}`,
        { originStatus: failure.status },
      );
      return { kind: 'problem', problem: p, retryAfter: failure.retryAfter };
    }
    const { error } = failure;
    const p =
      error.code === 'UPSTREAM_TIMEOUT'
        ? problem(504, PROBLEM_TYPES.originTimeout, 'Gateway Timeout', `${error.message} to ${target}, ${fallback}`)
        : error.code === 'UPSTREAM_TOO_LARGE'
          ? problem(502, PROBLEM_TYPES.originFailed, 'Bad Gateway', `${error.message} (${target}); request it from the origin directly`)
          : problem(502, PROBLEM_TYPES.originFailed, 'Bad Gateway', `${error.message} for ${target}, ${fallback}`);
    return { kind: 'problem', problem: p, retryAfter: undefined };
  }
}

function answer(response: StoredResponse, cache: CacheStatus, now: number): Answer {
  return { kind: 'response', response, cache, age: ageHeader(response, now) };
}

function serverError(upstream: UpstreamResponse): Failure {
  return { status: upstream.status, retryAfter: relayedHeaders(upstream.rawHeaders).retryAfter };
}

/** An origin answer in the form the edge replays, and whether the cache may keep it. */
function stored(status: number, rawHeaders: readonly string[], body: Buffer, now: number): { response: StoredResponse; store: boolean } {
  const h = relayedHeaders(rawHeaders);
  const decision = storagePolicy({
    status,
    cacheControl: h.cacheControl,
    hasEtag: h.etag !== undefined,
    vary: h.vary,
    setsCookie: h.setsCookie,
  });
  const response: StoredResponse = {
    status,
    headers: h.headers,
    body,
    contentLength: String(body.length),
    etag: h.etag,
    cacheControl: h.cacheControl,
    receivedAt: now,
    initialAge: parseAge(h.age),
    freshForSeconds: decision.store ? decision.freshForSeconds : 0,
    staleAllowed: decision.store && decision.staleAllowed,
  };
  return { response, store: decision.store };
}
