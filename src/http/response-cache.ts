import { ByteLru } from '../cache/byte-lru.js';

/** A finished 200 answer of GET /v1/movies. */
export interface CachedAnswer {
  readonly body: Buffer;
  readonly etag: string;
}

/** Per entry: the key (UTF-16), the Map slot and the answer object, roughly. */
const ENTRY_OVERHEAD_BYTES = 160;

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

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /**
   * Counts hits only: a request that misses is looked up twice (by the fast lane, then the route),
   * so a miss is counted where it is certain, when the route stores the answer it had to compute.
   */
  get(version: string, query: string): CachedAnswer | undefined {
    const answer = version === this.version ? this.lru.get(query) : undefined;
    if (answer !== undefined) this.hitCount++;
    return answer;
  }

  /** A computed answer (a miss), kept for the next request with the same query string. */
  set(version: string, query: string, answer: CachedAnswer): void {
    this.missCount++;
    if (!this.enabled) return;
    if (version !== this.version) {
      this.lru = new ByteLru(this.maxBytes);
      this.version = version;
    }
    this.lru.set(query, answer, answer.body.length + query.length * 2 + ENTRY_OVERHEAD_BYTES);
  }

  get stats(): { readonly hits: number; readonly misses: number; readonly entries: number; readonly bytes: number } {
    return { hits: this.hitCount, misses: this.missCount, entries: this.lru.size, bytes: this.lru.bytes };
  }
}
