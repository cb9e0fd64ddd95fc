/** Headers that carry a client's identity: an answer to such a request may be personal. */
const CREDENTIALS: ReadonlySet<string> = new Set(['authorization', 'x-api-key', 'cookie']);

export interface RequestFacts {
  readonly requestId: string | undefined;
  readonly ifNoneMatch: string | undefined;
  readonly acceptEncoding: string | undefined;
  /** `Origin`: a browser's cross-origin (or CORS-mode) request. */
  readonly origin: string | undefined;
  /** `Authorization`, `X-Api-Key` or `Cookie` present: the answer may be personal, so the request bypasses the shared cache. */
  readonly credentials: boolean;
}

/**
 * One pass over the raw request headers. Reading `req.headers` would make node build the whole
 * lower-cased header object, a visible cost on a cache hit; comparing lengths first skips almost
 * every header without lower-casing it.
 */
export function requestFacts(raw: readonly string[]): RequestFacts {
  let requestId: string | undefined;
  let ifNoneMatch: string | undefined;
  let acceptEncoding: string | undefined;
  let origin: string | undefined;
  let credentials = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    switch (name.length) {
      case 6: {
        const lower = name.toLowerCase();
        if (lower === 'origin') origin = raw[i + 1];
        else if (lower === 'cookie') credentials = true;
        break;
      }
      case 9:
        if (CREDENTIALS.has(name.toLowerCase())) credentials = true;
        break;
      case 12:
        // Repeated, it is joined as node joins it in req.headers, so both readings agree (and the join fails the id check).
        if (isNamed(name, 'x-request-id', 'X-Request-Id')) requestId = requestId === undefined ? raw[i + 1] : `${requestId}, ${raw[i + 1]}`;
        break;
      case 13: {
        const lower = name.toLowerCase();
        if (lower === 'if-none-match') ifNoneMatch = ifNoneMatch === undefined ? raw[i + 1] : `${ifNoneMatch}, ${raw[i + 1]}`;
        else if (lower === 'authorization') credentials = true;
        break;
      }
      case 15:
        if (isNamed(name, 'accept-encoding', 'Accept-Encoding'))
          acceptEncoding = acceptEncoding === undefined ? raw[i + 1] : `${acceptEncoding}, ${raw[i + 1]}`;
        break;
    }
  }
  return { requestId, ifNoneMatch, acceptEncoding, origin, credentials };
}

/**
 * `name` is the header `lower` (given as clients usually spell it, `usual`): compared as it came first, since lower-casing
 * makes a new string, on every request, for the headers a client sends each time (Accept-Encoding).
 */
function isNamed(name: string, lower: string, usual: string): boolean {
  return name === lower || name === usual || name.toLowerCase() === lower;
}
