/** Origins whose scripts may read the answers: any (`*`), none, or those listed (lower case, as browsers send them). */
export type AllowedOrigins = '*' | 'none' | readonly string[];

/** What a script may read beyond the CORS-safelisted headers: the validator, the request id to quote, and when to retry. */
const EXPOSED = 'ETag, X-Request-Id, Retry-After';
/** What the API reads from a request beyond the safelisted headers: a preflight must allow them. */
const ALLOWED_REQUEST_HEADERS = 'X-Api-Key, If-None-Match, X-Request-Id';
const ALLOWED_METHODS = 'GET, HEAD';
/** Seconds a browser may reuse a preflight's answer; Chromium caps it at 7,200, Firefox at 86,400. */
const PREFLIGHT_MAX_AGE = '7200';

const NONE: readonly string[] = [];
/** What a listed policy answers an origin it does not list (or a request without one): no CORS headers, only the reminder to caches. */
const VARY_ORIGIN: readonly string[] = ['vary', 'Origin'];
/** Distinct origins whose headers are remembered; past it, a new origin's are made per request. */
const REMEMBERED_ORIGINS = 256;

/**
 * Cross-origin reads (the Fetch standard's CORS protocol) for the public read endpoints, as flat
 * header lists made once and shared, so that the fast lane and Fastify write the same bytes and a
 * cached answer pays no string work for them.
 *
 * With `*`, every answer says `Access-Control-Allow-Origin: *` whatever the request's Origin, so the
 * answer does not vary by origin and shared caches (the edge, nginx) keep one copy. With a list, an
 * allowed origin is echoed, and every answer, allowed or not, says `Vary: Origin`, so that no cache
 * hands one origin's answer to another. An origin not allowed gets no CORS headers at all: the
 * browser then withholds the answer from the script, which is the refusal (never an error page).
 * No `Access-Control-Allow-Credentials`: API keys travel in `X-Api-Key`, never in cookies.
 */
export class CorsPolicy {
  private readonly simple = new Map<string, readonly string[]>();
  private readonly preflights = new Map<string, readonly string[]>();
  private readonly any: { readonly simple: readonly string[]; readonly preflight: readonly string[] } | undefined;
  private readonly listed: ReadonlySet<string>;

  constructor(private readonly origins: AllowedOrigins) {
    this.listed = new Set(Array.isArray(origins) ? origins : []);
    this.any =
      origins === '*'
        ? {
            simple: ['access-control-allow-origin', '*', 'access-control-expose-headers', EXPOSED],
            preflight: preflightHeaders('*', false),
          }
        : undefined;
  }

  /** The headers of an answer to a request from `origin` (the `Origin` header, absent for same-origin and non-browser requests). */
  headersFor(origin: string | undefined): readonly string[] {
    if (this.any) return this.any.simple;
    if (this.origins === 'none') return NONE;
    return this.remembered(this.simple, origin, (allowed) =>
      allowed ? ['access-control-allow-origin', origin as string, 'access-control-expose-headers', EXPOSED, 'vary', 'Origin'] : VARY_ORIGIN,
    );
  }

  /**
   * The headers of a preflight's 204 (an OPTIONS request with `Access-Control-Request-Method`), or
   * undefined when CORS is off: the request is then not a preflight the API answers.
   */
  preflightFor(origin: string | undefined): readonly string[] | undefined {
    if (this.any) return this.any.preflight;
    if (this.origins === 'none') return undefined;
    return this.remembered(this.preflights, origin, (allowed) => (allowed ? preflightHeaders(origin as string, true) : VARY_ORIGIN));
  }

  private remembered(
    memo: Map<string, readonly string[]>,
    origin: string | undefined,
    make: (allowed: boolean) => readonly string[],
  ): readonly string[] {
    const key = origin ?? '';
    let headers = memo.get(key);
    if (headers === undefined) {
      headers = make(origin !== undefined && this.listed.has(origin.toLowerCase()));
      // Only listed origins (and no origin) are remembered: anyone can send any Origin, and the memo must stay small.
      if (memo.size < REMEMBERED_ORIGINS && (origin === undefined || this.listed.has(origin.toLowerCase()))) memo.set(key, headers);
    }
    return headers;
  }
}

function preflightHeaders(origin: string, vary: boolean): readonly string[] {
  return [
    'access-control-allow-origin',
    origin,
    'access-control-allow-methods',
    ALLOWED_METHODS,
    'access-control-allow-headers',
    ALLOWED_REQUEST_HEADERS,
    'access-control-max-age',
    PREFLIGHT_MAX_AGE,
    ...(vary ? ['vary', 'Origin'] : []),
  ];
}

/** The paths CORS applies to: the public read API and its description, not the operators' endpoints or the page. */
export function corsApplies(url: string): boolean {
  return url.startsWith('/v1/') || url === '/v1' || url.startsWith('/openapi.json');
}
