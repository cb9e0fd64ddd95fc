import type { CatalogueIndex } from '../engine/catalogue-index.js';
import { searchMovies } from '../engine/search.js';
import { QueryError } from '../errors/errors.js';
import { etagFor, matchesIfNoneMatch } from '../node-http/etag.js';
import { PROBLEM_TYPES, problem } from '../node-http/problem.js';
import type { CursorCodec } from '../query/cursor.js';
import { parseListRequest, searchRequestOf } from '../query/parse-query.js';
import { pageBody } from './page-body.js';
import { isPlainAscii } from './plain-ascii.js';
import type { CatalogueReader, WarmedVersion } from '../snapshot/catalogue-reader.js';
import { negotiateEncoding } from '../node-http/accept-encoding.js';
import { jsonAnswer, notModifiedAnswer, NOT_READY, problemAnswer, type Answer, type Coding } from './answer.js';
import {
  compressBest,
  compressFast,
  COMPRESSION_FLOOR_BYTES,
  RECOMPRESSION_FLOOR_BYTES,
  type CompressedEncoding,
  type Tier,
} from './compression.js';
import type { Recompressor } from './recompressor.js';
import type { CachedAnswer, CompressedRepresentation, Representation, ResponseCache } from './response-cache.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

export const MOVIES_PATH = '/v1/movies';

const COMPRESSED: readonly CompressedEncoding[] = ['br', 'gzip'];

/** Longest stretch of warming between two turns of the event loop: a request arriving meanwhile waits at most this. */
const WARM_SLICE_MS = 2;

/** What answer() knows of the request target beside the answer, for a caller that asks (the fast lane). */
export interface TargetFacts {
  /** The target is plain ASCII (plain-ascii.ts), as its cached answer remembers; false when not known. */
  plain: boolean;
}

export interface MoviesAnswerOptions {
  readonly reader: CatalogueReader;
  readonly codec: CursorCodec;
  readonly cache: ResponseCache;
  /** The second tier: compresses a cached answer asked for again at the best level, off the request's path. */
  readonly recompressor: Recompressor;
  /** `Cache-Control` of data answers. */
  readonly cacheControl: string;
}

/**
 * The one owner of the GET /v1/movies answer: raw request target in, finished answer out (parse,
 * cursor, search, next cursor, JSON, ETag, response cache, conditional request, 400 problems).
 * The fast lane writes its answers on node:http and the Fastify route sends them, so the two
 * paths answer byte for byte alike by construction.
 */
export class MoviesAnswers {
  constructor(private readonly options: MoviesAnswerOptions) {}

  /**
   * `target` is the request target as received, `/v1/movies` and its query string: a hit reads nothing
   * else of it. The representation is negotiated from `acceptEncoding` (memoised per header value) and
   * compressed fast on its first request only; the cache keeps it beside the others. A request for a
   * representation made before (or, under the first tier's floor, for an answer asked for before) offers it
   * to the second tier, which swaps smaller bytes in later, off the request's path. `facts`, when given, is written
   * on every call, first with what holds whatever happens (a throw included), then with what the cached answer knows.
   */
  answer(target: string, ifNoneMatch: string | undefined, acceptEncoding: string | undefined, facts?: TargetFacts): Answer {
    if (facts !== undefined) facts.plain = false;
    const dataset = this.options.reader.dataset;
    if (dataset === undefined) return NOT_READY;
    const { index } = dataset;
    const { cache } = this.options;
    let cached = cache.get(index.version, target);
    const hit = cached !== undefined;
    if (cached === undefined) {
      try {
        cached = this.compute(index, target);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        return problemAnswer(problem(400, PROBLEM_TYPES.invalidParameter, 'Bad Request', error.message, { parameter: error.parameter }));
      }
    }
    if (facts !== undefined) facts.plain = cached.plainTarget;
    const encoding = cached.compressible ? negotiateEncoding(acceptEncoding) : 'identity';
    let representation: Representation = cached.identity;
    let made = false;
    if (encoding !== 'identity') {
      const held = cached.compressed[encoding];
      if (held !== undefined) {
        representation = held;
        if (held.tier === 'fast') this.recompress(index.version, target, cached, encoding);
      } else {
        representation = this.represent(cached, encoding);
        made = representation !== cached.identity;
        // Under the first tier's floor only the second makes one, once the answer is asked for again.
        if (!made && hit) this.recompress(index.version, target, cached, encoding);
      }
    }
    // Stored once a miss has its representation, and again when a hit made one, to count its bytes.
    if (!hit || made) cache.set(index.version, target, cached);
    return ifNoneMatch !== undefined && matchesIfNoneMatch(ifNoneMatch, cached.etag) ? representation.notModified : representation.answer;
  }

  /**
   * Solr's autowarming, for the next version: the `count` most recently used request targets of the
   * cache, answered against `next` into a draft cache a slice at a time (requests keep being
   * answered from the current version in between), installed by the caller in the same tick as the
   * swap. Without it the first answer of a new version empties the cache, and every query takes
   * the slow path at once: the latency tail of a swap.
   */
  async warm(next: CatalogueIndex, count: number, deadline: number): Promise<WarmedVersion> {
    const { cache } = this.options;
    const queries = cache.hottest(count);
    const warmed: [string, CachedAnswer][] = [];
    let timedOut = false;
    let sliceStart = performance.now();
    for (const target of queries) {
      if (performance.now() - sliceStart >= WARM_SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
      if (performance.now() >= deadline) {
        timedOut = true;
        break;
      }
      try {
        const fresh = this.compute(next, target);
        // The representations clients asked for before are made now too, so the swap costs them no compression either
        // (the first tier's: the first request after the swap offers them to the second).
        const before = cache.peek(this.options.reader.dataset?.index.version ?? '', target);
        for (const encoding of COMPRESSED)
          if (before?.compressed[encoding] !== undefined && fresh.compressible) this.represent(fresh, encoding);
        warmed.push([target, fresh]);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
      }
    }
    const draft = cache.draft(next.version);
    // Least recently used first, so that the draft keeps the cache's order of use.
    for (let i = warmed.length - 1; i >= 0; i--) draft.set(...(warmed[i] as [string, CachedAnswer]));
    return { install: () => cache.install(draft), queries: warmed.length, timedOut };
  }

  /** Parses, searches and serialises one page; throws QueryError. */
  private compute(index: CatalogueIndex, target: string): CachedAnswer {
    const q = target.indexOf('?');
    const search = q === -1 ? '' : target.slice(q + 1);
    const request = parseListRequest(search);
    const cursor = this.options.codec.forPage(request.query, request.sort, request.cursor);
    const page = searchMovies(index, searchRequestOf(request, cursor.after));
    const last = page.ranks.length - 1;
    const next = page.hasMore && last >= 0 ? cursor.next(index.positionOf(page.ranks[last] as number), page.relevance?.[last]) : null;
    const body = pageBody(index, page, next);
    const etag = etagFor(index.version, search);
    const compressible = body.length >= RECOMPRESSION_FLOOR_BYTES;
    // Both codings' slots from the start: one shape for every cached answer, whichever representations it gains.
    const compressed = { br: undefined, gzip: undefined };
    const identity = this.representation(body, etag, compressible ? 'identity' : undefined);
    return { etag, identity, compressible, compressed, plainTarget: isPlainAscii(target) };
  }

  /**
   * The first tier: makes, and keeps on the cached answer, its representation in `encoding`. Under the first
   * tier's floor there is none yet, and the identity representation answers (it says Vary: Accept-Encoding).
   */
  private represent(cached: CachedAnswer, encoding: CompressedEncoding): Representation {
    const identity = cached.identity.answer.body;
    if (identity.length < COMPRESSION_FLOOR_BYTES) return cached.identity;
    const made = tiered(this.representation(compressFast(identity, encoding), cached.etag, encoding), 'fast');
    cached.compressed[encoding] = made;
    return made;
  }

  /**
   * The second tier, off the request's path and under the recompressor's budget: the answer compressed at the
   * best level replaces the first tier's bytes if it is still the one cached (same version and target) and
   * smaller; their ETag is the same weak one, so a client holding either revalidates to 304.
   */
  private recompress(version: string, target: string, cached: CachedAnswer, encoding: CompressedEncoding): void {
    const { cache, recompressor } = this.options;
    recompressor.offer(`${encoding} ${version} ${target}`, async () => {
      if (cache.peek(version, target) !== cached) return;
      const best = await compressBest(cached.identity.answer.body, encoding);
      if (cache.peek(version, target) !== cached) return;
      const before: Representation = cached.compressed[encoding] ?? cached.identity;
      const swapped = tiered(best.length < before.answer.body.length ? this.representation(best, cached.etag, encoding) : before, 'best');
      cached.compressed[encoding] = swapped;
      cache.recount(version, target, cached);
    });
  }

  private representation(body: Buffer, etag: string, coding: Coding): Representation {
    const { cacheControl } = this.options;
    return { answer: jsonAnswer(body, etag, cacheControl, coding), notModified: notModifiedAnswer(etag, cacheControl, coding) };
  }
}

/**
 * Every compressed representation is made by this one literal. Spread copies (`{ ...made, tier }`) got a
 * hidden class of their own each, so the loads every br request makes in answer() (`held.tier`,
 * `representation.answer`) went megamorphic and a br hit cost more than an identity one (docs/investigations/compression.md,
 * "Compression", "A fourth look").
 */
function tiered(representation: Representation, tier: Tier): CompressedRepresentation {
  return { answer: representation.answer, notModified: representation.notModified, tier };
}
