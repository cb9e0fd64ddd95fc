import { ByteLru } from '../cache/byte-lru.js';
import type { Answer } from './answer.js';
import type { Tier } from './compression.js';

/** One representation of an answer (identity, br or gzip): its 200 and its 304, each made once. */
export interface Representation {
  readonly answer: Answer & { readonly body: Buffer };
  readonly notModified: Answer;
}

/** A compressed representation, and whether it is the second tier's (made again off the request's path, or found not worth it). */
export interface CompressedRepresentation extends Representation {
  readonly tier: Tier;
}

/** A finished 200 answer of GET /v1/movies, its validator, and its representations. */
export interface CachedAnswer {
  /** The validator of the answer; each compressed representation's is derived from it (representationEtag). */
  readonly etag: string;
  /** The answer as computed: below the compression floor the only one. */
  readonly identity: Representation;
  /**
   * Whether compressed representations may be made (and every representation says Vary: Accept-Encoding):
   * the body is at least the second tier's floor. The first tier makes one on the first request only from
   * the higher COMPRESSION_FLOOR_BYTES; below it the identity representation answers until the second tier has.
   */
  readonly compressible: boolean;
  /**
   * Compressed representations made so far: the first tier's when first asked for, replaced by the second
   * tier's once made. Stored again (set, or recount off the request's path) to count their bytes. A second tier
   * that could not beat what was there keeps those bytes, marked `best` so that nothing tries again.
   */
  readonly compressed: { br?: CompressedRepresentation; gzip?: CompressedRepresentation };
  /**
   * The request target it is cached under is plain ASCII (plain-ascii.ts): decided once, when computed, so that the
   * log line of a hit (whose URL is that target) need not scan it (MoviesAnswers.answer's `facts`).
   */
  readonly plainTarget: boolean;
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

  /** A held answer's representations changed off the request's path: its bytes are recounted, and it is not counted as a use. */
  recount(version: string, target: string, cached: CachedAnswer): void {
    if (version === this.version && this.lru.peek(target) === cached) this.lru.replace(target, cached, entryBytes(target, cached));
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
  const identity = cached.identity.answer.body;
  // A second tier that could not beat the identity bytes answers with them: they are held once.
  const own = (r: Representation | undefined): number => (r === undefined || r.answer.body === identity ? 0 : r.answer.body.length);
  const bodies = identity.length + own(cached.compressed.br) + own(cached.compressed.gzip);
  return bodies + target.length * 2 + ENTRY_OVERHEAD_BYTES;
}
