import { ByteLru } from '../cache/byte-lru.js';
import type { Answer } from './answer.js';

/** One representation of an answer (identity, br or gzip): its 200 and its 304, each made once. */
export interface Representation {
  readonly answer: Answer & { readonly body: Buffer };
  readonly notModified: Answer;
}

/** A finished 200 answer of GET /v1/movies, its validator, and its representations. */
export interface CachedAnswer {
  /** The validator of the answer; each compressed representation's is derived from it (representationEtag). */
  readonly etag: string;
  /** The answer as computed: below the compression floor the only one. */
  readonly identity: Representation;
  /** Whether compressed representations are made: the body is at least the compression floor. */
  readonly compressible: boolean;
  /** Compressed representations made so far, each once, when first asked for; stored again (set) to count their bytes. */
  readonly compressed: { br?: Representation; gzip?: Representation };
}

/** Per entry: the key (UTF-16), the Map and list slot, the answer, its 304 and their header lists, roughly. */
const ENTRY_OVERHEAD_BYTES = 380;

/**
 * Finished answers of GET /v1/movies for the data version being served, keyed by the raw request
 * target (`/v1/movies?…`, as node hands it over). An answer depends only on the version and the
 * query string, so a repeated query skips parsing, searching, cursor signing and serialisation, and
 * keying by the target as it arrives means a hit does not even cut the query string out of it. Answers of an older version are never
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
  get(version: string, target: string): CachedAnswer | undefined {
    const cached = version === this.version ? this.lru.get(target) : undefined;
    if (cached === undefined) this.missCount++;
    else this.hitCount++;
    return cached;
  }

  /** The answer without counting a lookup or a use. */
  peek(version: string, target: string): CachedAnswer | undefined {
    return version === this.version ? this.lru.peek(target) : undefined;
  }

  /** Keeps a computed answer for the next request with the same target; again after a representation is added, to count its bytes. */
  set(version: string, target: string, cached: CachedAnswer): void {
    if (this.maxBytes === 0) return;
    if (version !== this.version) {
      this.lru = new ByteLru(this.maxBytes);
      this.version = version;
    }
    this.lru.set(target, cached, entryBytes(target, cached));
  }

  /** The request targets of the current version's answers, most recently used first, at most `count`. */
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

  set(target: string, cached: CachedAnswer): void {
    this.lru.set(target, cached, entryBytes(target, cached));
  }
}

function entryBytes(target: string, cached: CachedAnswer): number {
  const { br, gzip } = cached.compressed;
  const bodies = cached.identity.answer.body.length + (br?.answer.body.length ?? 0) + (gzip?.answer.body.length ?? 0);
  return bodies + target.length * 2 + ENTRY_OVERHEAD_BYTES;
}
