import { ByteLru } from '../cache/byte-lru.js';
import type { Answer } from './answer.js';

/** A finished 200 answer of GET /v1/movies and its validator. */
export interface CachedAnswer {
  readonly etag: string;
  readonly answer: Answer & { readonly body: Buffer };
}

/** Per entry: the key (UTF-16), the Map slot, the answer and its header list, roughly. */
const ENTRY_OVERHEAD_BYTES = 320;

/**
 * Finished answers of GET /v1/movies for the data version being served, keyed by the raw query
 * string. An answer depends only on the version and the query string, so a repeated query skips
 * parsing, searching, cursor signing and serialisation. Answers of an older version are never
 * served: the first answer stored for a new version drops the old ones.
 */
export class ResponseCache {
  private lru: ByteLru<CachedAnswer>;
  private version: string | undefined;
  private hitCount = 0;
  private missCount = 0;

  constructor(readonly maxBytes: number) {
    this.lru = new ByteLru(maxBytes);
  }

  /** The one lookup of a request: it counts as a hit or a miss. */
  get(version: string, query: string): CachedAnswer | undefined {
    const cached = version === this.version ? this.lru.get(query) : undefined;
    if (cached === undefined) this.missCount++;
    else this.hitCount++;
    return cached;
  }

  /** Keeps a computed answer for the next request with the same query string. */
  set(version: string, query: string, cached: CachedAnswer): void {
    if (this.maxBytes === 0) return;
    if (version !== this.version) {
      this.lru = new ByteLru(this.maxBytes);
      this.version = version;
    }
    this.lru.set(query, cached, entryBytes(query, cached));
  }

  /** The query strings of the current version's answers, most recently used first, at most `count`. */
  hottest(count: number): string[] {
    return this.lru.keys().slice(-count).reverse();
  }

  /** An empty cache for `version`, filled off to the side (warming) and made the live one by install(). */
  draft(version: string): ResponseCacheDraft {
    return new ResponseCacheDraft(version, new ByteLru(this.maxBytes));
  }

  /** The draft becomes the cache: its version's answers are served from the next lookup on. */
  install(draft: ResponseCacheDraft): void {
    this.lru = draft.lru;
    this.version = draft.version;
  }

  get stats(): { readonly hits: number; readonly misses: number; readonly entries: number; readonly bytes: number } {
    return { hits: this.hitCount, misses: this.missCount, entries: this.lru.size, bytes: this.lru.bytes };
  }
}

export class ResponseCacheDraft {
  constructor(
    readonly version: string,
    readonly lru: ByteLru<CachedAnswer>,
  ) {}

  set(query: string, cached: CachedAnswer): void {
    this.lru.set(query, cached, entryBytes(query, cached));
  }
}

function entryBytes(query: string, cached: CachedAnswer): number {
  return cached.answer.body.length + query.length * 2 + ENTRY_OVERHEAD_BYTES;
}
