/**
 * Which headers cross the edge. Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not
 * the message, so they are never copied in either direction; nor is any header the `Connection`
 * header names. Headers are kept as node's flat raw lists (name, value, name, value…) so repeated
 * fields and the origin's spelling survive, and `writeHead` takes them without building an object.
 */

const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

/**
 * Set by the edge on each answer, so never taken from the origin: the body length (the edge sends
 * the whole buffered body), `Age` (computed from the time in cache), `X-Cache`, and `X-Request-Id`
 * (it names one exchange; a cached copy must not repeat another client's).
 */
const EDGE_OWNED: ReadonlySet<string> = new Set(['content-length', 'age', 'x-cache', 'x-request-id']);

export const VIA = '1.1 cinedex-edge';

export interface RelayedHeaders {
  /** Flat list of the headers to copy back to clients. */
  readonly headers: string[];
  readonly etag: string | undefined;
  readonly cacheControl: string | undefined;
  readonly vary: string | undefined;
  readonly age: string | undefined;
  readonly retryAfter: string | undefined;
  readonly setsCookie: boolean;
}

/** The end-to-end headers of an origin response, and the facts the cache decides on. */
export function relayedHeaders(raw: readonly string[]): RelayedHeaders {
  const skip = connectionNamed(raw);
  const headers: string[] = [];
  let etag: string | undefined;
  let cacheControl: string | undefined;
  let vary: string | undefined;
  let age: string | undefined;
  let retryAfter: string | undefined;
  let setsCookie = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (lower === 'age') age = value;
    if (HOP_BY_HOP.has(lower) || EDGE_OWNED.has(lower) || skip.has(lower)) continue;
    if (lower === 'etag') etag = value;
    else if (lower === 'cache-control') cacheControl = cacheControl === undefined ? value : `${cacheControl}, ${value}`;
    else if (lower === 'vary') vary = vary === undefined ? value : `${vary}, ${value}`;
    else if (lower === 'retry-after') retryAfter = value;
    else if (lower === 'set-cookie') setsCookie = true;
    headers.push(name, value);
  }
  return { headers, etag, cacheControl, vary, age, retryAfter, setsCookie };
}

/** Names listed in `Connection` (lower-cased): hop-by-hop by declaration. */
function connectionNamed(raw: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    for (const token of (raw[i + 1] as string).split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '') names.add(name);
    }
  }
  return names;
}

/**
 * RFC 9111 §4.3.4: a 304 refreshes the stored headers. Each field the 304 carries replaces every
 * stored line of that name; the rest (content type above all) stay as stored.
 */
export function mergeRevalidated(stored: readonly string[], update: readonly string[]): string[] {
  const replaced = new Set<string>();
  for (let i = 0; i < update.length; i += 2) replaced.add((update[i] as string).toLowerCase());
  const out: string[] = [];
  for (let i = 0; i + 1 < stored.length; i += 2) {
    if (!replaced.has((stored[i] as string).toLowerCase())) out.push(stored[i] as string, stored[i + 1] as string);
  }
  return out.concat(update);
}

/**
 * The client's request headers as sent on to the origin for a request that bypasses the cache:
 * end-to-end ones only, `Host` set by the client library for the origin, the edge added to `Via`
 * and the client's address to `X-Forwarded-For`.
 */
export function forwardedRequestHeaders(raw: readonly string[], clientAddress: string | undefined): Record<string, string> {
  const skip = connectionNamed(raw);
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (HOP_BY_HOP.has(lower) || skip.has(lower) || lower === 'host') continue;
    const value = raw[i + 1] as string;
    const previous = out[lower];
    out[lower] = previous === undefined ? value : `${previous}${lower === 'cookie' ? '; ' : ', '}${value}`;
  }
  out.via = out.via === undefined ? VIA : `${out.via}, ${VIA}`;
  if (clientAddress !== undefined)
    out['x-forwarded-for'] = out['x-forwarded-for'] === undefined ? clientAddress : `${out['x-forwarded-for']}, ${clientAddress}`;
  return out;
}
