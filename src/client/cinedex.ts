import { CinedexAbortError, CinedexApiError, CinedexNetworkError, CinedexTimeoutError } from './errors.js';
import type {
  FacetSearchQuery,
  FacetValueList,
  GenreList,
  ListMoviesQuery,
  Movie,
  MovieHistory,
  MoviePage,
  MoviePageItem,
  Problem,
  SearchableFacet,
  Status,
} from './types.js';

export interface CinedexOptions {
  /** The server, e.g. `http://127.0.0.1:8080`; a path prefix (a proxy's `/cinedex`) is kept. */
  readonly baseUrl: string | URL;
  /** Sent as `X-Api-Key`, for servers that identify or rate-limit clients. */
  readonly apiKey?: string;
  /** Milliseconds a call may take, answer body included; 0 = no limit. Default 10,000. */
  readonly timeoutMs?: number;
  /** The fetch to use (a proxy agent, a test double); default the global one. */
  readonly fetch?: typeof globalThis.fetch;
}

/** Per call: a signal that cancels it, and a timeout other than the client's. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A client of the cinedex HTTP API. Every method is one GET (pages() and movies() one per page);
 * failures are typed: CinedexApiError (an error status, with the problem+json fields),
 * CinedexNetworkError, CinedexTimeoutError and CinedexAbortError.
 */
export class Cinedex {
  private readonly base: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(options: CinedexOptions) {
    this.base = String(options.baseUrl).replace(/\/+$/, '');
    // Node's fetch asks for `gzip, deflate` only, though it decodes br too: br answers are ~10 % smaller than gzip's.
    this.headers = {
      accept: 'application/json',
      'accept-encoding': 'br, gzip',
      ...(options.apiKey === undefined ? {} : { 'x-api-key': options.apiKey }),
    };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** One page of GET /v1/movies. */
  search(params: ListMoviesQuery = {}, options?: CallOptions): Promise<MoviePage> {
    return this.get(`/v1/movies${queryString(params)}`, options);
  }

  /** Every page of a search, from `params.cursor` (else the first) to the last, following next_cursor. */
  async *pages(params: ListMoviesQuery = {}, options?: CallOptions): AsyncGenerator<MoviePage, void, undefined> {
    let cursor = params.cursor;
    do {
      const page: MoviePage = await this.search(cursor === undefined ? params : { ...params, cursor }, options);
      yield page;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  /**
   * Every movie a search finds, page after page. Only the items are yielded, so `count` and
   * `facets` are not sent: the server would count every match again for each page.
   */
  async *movies(params: ListMoviesQuery = {}, options?: CallOptions): AsyncGenerator<MoviePageItem, void, undefined> {
    const { count: _count, facets: _facets, ...itemsOnly } = params;
    for await (const page of this.pages(itemsOnly, options)) yield* page.items;
  }

  /** GET /v1/movies/{id}; an unknown id is a CinedexApiError with status 404. */
  movie(id: string, options?: CallOptions): Promise<Movie> {
    return this.get(`/v1/movies/${encodeURIComponent(id)}`, options);
  }

  /** The movie's audited changes, newest first. */
  history(id: string, options?: CallOptions): Promise<MovieHistory> {
    return this.get(`/v1/movies/${encodeURIComponent(id)}/history`, options);
  }

  /** GET /v1/facets/{facet}: the cast or genre values matching `params.q` (typos and a prefix allowed), counted under the filters. */
  facetValues(facet: SearchableFacet, params: FacetSearchQuery, options?: CallOptions): Promise<FacetValueList> {
    return this.get(`/v1/facets/${encodeURIComponent(facet)}${queryString(params)}`, options);
  }

  genres(options?: CallOptions): Promise<GenreList> {
    return this.get('/v1/genres', options);
  }

  status(options?: CallOptions): Promise<Status> {
    return this.get('/v1/status', options);
  }

  private async get<T>(path: string, options: CallOptions = {}): Promise<T> {
    const url = this.base + path;
    const { signal } = options;
    if (signal?.aborted) throw new CinedexAbortError(url, signal.reason);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    // One controller for both ends of a call: the caller's signal and the timeout, cleared when the answer is in.
    const controller = new AbortController();
    const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(new CinedexTimeoutError(url, timeoutMs)), timeoutMs) : undefined;
    const cancel = () => controller.abort(new CinedexAbortError(url, signal?.reason));
    signal?.addEventListener('abort', cancel, { once: true });
    let response: Response;
    let body: string;
    try {
      response = await this.fetch(url, { headers: this.headers, signal: controller.signal });
      body = await response.text();
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw new CinedexNetworkError(`cannot reach the cinedex server at ${new URL(url).origin} (${failureCode(error)})`, url, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
    if (!response.ok) throw new CinedexApiError(url, problemOf(response, body));
    try {
      return JSON.parse(body) as T;
    } catch (error) {
      throw new CinedexNetworkError(`the answer from ${url} (${response.status}) is not JSON`, url, { cause: error });
    }
  }
}

/** Lists the API takes as one comma-separated value; it refuses them repeated. */
const COMMA_SEPARATED: ReadonlySet<string> = new Set(['facets']);

/**
 * `?a=1&cast=A&cast=B&facets=genre,year`: arrays repeat the parameter (OpenAPI's form style), but
 * comma-separated ones are joined; absent values and empty lists are left out.
 */
function queryString(params: Readonly<Record<string, unknown>>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value) && COMMA_SEPARATED.has(name)) {
      if (value.length > 0) query.append(name, value.join(','));
      continue;
    }
    for (const one of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (one !== undefined && one !== null) query.append(name, String(one));
    }
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** The error answer's problem details, or ones made from the status for an answer that has none. */
function problemOf(response: Response, body: string): Problem {
  try {
    const parsed = JSON.parse(body) as Partial<Problem>;
    if (typeof parsed.title === 'string' && typeof parsed.detail === 'string') {
      return { ...parsed, type: parsed.type ?? 'about:blank', title: parsed.title, status: response.status, detail: parsed.detail };
    }
  } catch {
    // not JSON: a proxy's or load balancer's page
  }
  return { type: 'about:blank', title: response.statusText || 'Error', status: response.status, detail: body.trim().slice(0, 300) };
}

/** undici nests the socket error, sometimes in an AggregateError (one per address tried): its code, else a name. */
function failureCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).name;
}
