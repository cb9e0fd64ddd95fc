/**
 * What a shared cache may do with a response (RFC 9111), reduced to what the edge needs: whether to
 * store it, for how long it is fresh, and whether it may be served stale while the origin fails.
 * Pure: times are passed in.
 */

export interface CacheDirectives {
  readonly noStore: boolean;
  readonly noCache: boolean;
  readonly private: boolean;
  readonly mustRevalidate: boolean;
  readonly proxyRevalidate: boolean;
  /** Seconds; absent when not given. An invalid or repeated-and-conflicting value reads as 0 (stale), as RFC 9111 §4.2.1 advises. */
  readonly maxAge?: number;
  readonly sMaxAge?: number;
}

/** RFC 9111 §1.2.2: larger delta-seconds are capped here rather than overflowing. */
const MAX_DELTA_SECONDS = 2 ** 31;

/**
 * Only these statuses are stored. 404 lets an origin protect itself from scans of missing ids (cinedex's own
 * 404s say no-store). Never 5xx.
 */
export const CACHEABLE_STATUSES: ReadonlySet<number> = new Set([200, 404]);

export function parseCacheControl(header: string | undefined): CacheDirectives {
  const d = { noStore: false, noCache: false, private: false, mustRevalidate: false, proxyRevalidate: false } as {
    -readonly [K in keyof CacheDirectives]: CacheDirectives[K];
  };
  if (header === undefined) return d;
  for (const [name, value] of directives(header)) {
    switch (name) {
      case 'no-store':
        d.noStore = true;
        break;
      // The qualified forms (`no-cache="set-cookie"`, `private="x"`) are read as the whole directive: stricter, never wrong.
      case 'no-cache':
        d.noCache = true;
        break;
      case 'private':
        d.private = true;
        break;
      case 'must-revalidate':
        d.mustRevalidate = true;
        break;
      case 'proxy-revalidate':
        d.proxyRevalidate = true;
        break;
      case 'max-age':
        d.maxAge = combine(d.maxAge, deltaSeconds(value));
        break;
      case 's-maxage':
        d.sMaxAge = combine(d.sMaxAge, deltaSeconds(value));
        break;
    }
  }
  return d;
}

/** Splits on commas outside quoted strings; names lower-cased, quotes removed from values. */
function directives(header: string): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  let i = 0;
  while (i < header.length) {
    let end = i;
    let quoted = false;
    while (end < header.length && (quoted || header[end] !== ',')) {
      if (header[end] === '"') quoted = !quoted;
      else if (quoted && header[end] === '\\') end++;
      end++;
    }
    const part = header.slice(i, end).trim();
    i = end + 1;
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) {
      out.push([part.toLowerCase(), undefined]);
      continue;
    }
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    out.push([part.slice(0, eq).trim().toLowerCase(), value]);
  }
  return out;
}

function deltaSeconds(value: string | undefined): number {
  if (value === undefined || !/^[0-9]+$/.test(value)) return 0;
  return Math.min(Number(value), MAX_DELTA_SECONDS);
}

function combine(previous: number | undefined, next: number): number {
  return previous === undefined || previous === next ? next : 0;
}

/** What the edge learns from one origin response. */
export interface ResponseFacts {
  readonly status: number;
  readonly cacheControl: string | undefined;
  readonly hasEtag: boolean;
  readonly vary: string | undefined;
  readonly setsCookie: boolean;
}

export type StorageDecision =
  | { readonly store: true; readonly freshForSeconds: number; readonly staleAllowed: boolean }
  | { readonly store: false; readonly reason: string };

/**
 * Whether a shared cache may keep the response and on what terms. Freshness comes only from an
 * explicit lifetime (`s-maxage`, then `max-age`; `no-cache` means 0): a response that states none
 * is not stored, so nothing is ever served from a guess.
 */
export function storagePolicy(r: ResponseFacts): StorageDecision {
  if (!CACHEABLE_STATUSES.has(r.status)) return { store: false, reason: `status ${r.status}` };
  const cc = parseCacheControl(r.cacheControl);
  if (cc.noStore) return { store: false, reason: 'no-store' };
  if (cc.private) return { store: false, reason: 'private' };
  // A cookie is somebody's. An answer varying by anything but Accept-Encoding needs request headers the
  // edge does not key on; by Accept-Encoding it is kept per representation (the key has the normalised coding).
  if (r.setsCookie) return { store: false, reason: 'set-cookie' };
  if (r.vary !== undefined && !variesOnlyByEncoding(r.vary)) return { store: false, reason: 'vary' };
  const lifetime = cc.noCache ? 0 : (cc.sMaxAge ?? cc.maxAge);
  if (lifetime === undefined) return { store: false, reason: 'no max-age' };
  // RFC 9111 §4.2.4: these forbid serving stale; s-maxage implies proxy-revalidate for shared caches.
  const staleAllowed = !(cc.noCache || cc.mustRevalidate || cc.proxyRevalidate || cc.sMaxAge !== undefined);
  // Already stale, not servable stale and not revalidatable: keeping it could never save a request.
  if (lifetime === 0 && !staleAllowed && !r.hasEtag) return { store: false, reason: 'nothing to reuse' };
  return { store: true, freshForSeconds: lifetime, staleAllowed };
}

/** `Vary` naming Accept-Encoding and nothing else (or nothing): what the edge's per-representation key covers. */
function variesOnlyByEncoding(vary: string): boolean {
  return vary.split(',').every((name) => {
    const n = name.trim().toLowerCase();
    return n === '' || n === 'accept-encoding';
  });
}

/** The timing of a stored answer. */
export interface Freshness {
  /** When the edge received (or last revalidated) the answer, ms since the epoch. */
  readonly receivedAt: number;
  /** The origin's own `Age`, seconds, when it came through another cache. */
  readonly initialAge: number;
  readonly freshForSeconds: number;
  readonly staleAllowed: boolean;
}

/** Seconds, fractional. */
export function currentAge(f: Freshness, nowMs: number): number {
  return f.initialAge + Math.max(0, nowMs - f.receivedAt) / 1000;
}

/** The `Age` header value: whole seconds, rounded down. */
export function ageHeader(f: Freshness, nowMs: number): number {
  return Math.floor(currentAge(f, nowMs));
}

export function isFresh(f: Freshness, nowMs: number): boolean {
  return currentAge(f, nowMs) < f.freshForSeconds;
}

/** Stale-if-error: past its freshness by less than the configured allowance, and not forbidden by the origin. */
export function servableStale(f: Freshness, nowMs: number, staleIfErrorSeconds: number): boolean {
  return f.staleAllowed && currentAge(f, nowMs) < f.freshForSeconds + staleIfErrorSeconds;
}

/** `Age` as sent by an origin: delta-seconds, anything else ignored. */
export function parseAge(value: string | undefined): number {
  return value !== undefined && /^[0-9]+$/.test(value.trim()) ? Math.min(Number(value.trim()), MAX_DELTA_SECONDS) : 0;
}
