import type { CatalogueIndex } from '../engine/catalogue-index.js';
import { searchMovies } from '../engine/search.js';
import { etagFor, matchesIfNoneMatch } from '../node-http/etag.js';
import { PROBLEM_TYPES, problem } from '../node-http/problem.js';
import type { CursorCodec } from '../query/cursor.js';
import { parseListRequest } from '../query/parse-query.js';
import { QueryError } from '../query/query-error.js';
import type { CatalogueReader } from '../snapshot/dataset.js';
import { jsonAnswer, notModifiedAnswer, NOT_READY, problemAnswer, type Answer } from './answer.js';
import type { CachedAnswer, ResponseCache } from './response-cache.js';

export const MOVIES_PATH = '/v1/movies';

export interface MoviesAnswerOptions {
  readonly reader: CatalogueReader;
  readonly codec: CursorCodec;
  readonly cache: ResponseCache;
  /** `Cache-Control` of data answers. */
  readonly cacheControl: string;
}

/**
 * The one owner of the GET /v1/movies answer: raw query string in, finished answer out (parse,
 * cursor, search, next cursor, JSON, ETag, response cache, conditional request, 400 problems).
 * The fast lane writes its answers on node:http and the Fastify route sends them, so the two
 * paths answer byte for byte alike by construction.
 */
export class MoviesAnswers {
  constructor(private readonly options: MoviesAnswerOptions) {}

  /** `search` is the query string without the `?`. */
  answer(search: string, ifNoneMatch: string | undefined): Answer {
    const dataset = this.options.reader.dataset;
    if (dataset === undefined) return NOT_READY;
    const { index } = dataset;
    const { cache, cacheControl } = this.options;
    let cached = cache.get(index.version, search);
    if (cached === undefined) {
      try {
        cached = this.compute(index, search);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        return problemAnswer(problem(400, PROBLEM_TYPES.invalidParameter, 'Bad Request', error.message, { parameter: error.parameter }));
      }
      cache.set(index.version, search, cached);
    }
    return matchesIfNoneMatch(ifNoneMatch, cached.etag) ? notModifiedAnswer(cached.etag, cacheControl) : cached.answer;
  }

  /** Parses, searches and serialises one page; throws QueryError. */
  private compute(index: CatalogueIndex, search: string): CachedAnswer {
    const { query, limit, cursor } = parseListRequest(search);
    const pageCursor = this.options.codec.forPage(query, cursor);
    const page = searchMovies(index, query, pageCursor.after ? { limit, after: pageCursor.after } : { limit });
    const last = page.ranks[page.ranks.length - 1];
    const nextCursor = page.hasMore && last !== undefined ? `"${pageCursor.next(index.positionOf(last))}"` : 'null';
    const text = `{"items":[${joinMovies(index, page.ranks)}],"has_more":${page.hasMore},"next_cursor":${nextCursor}}`;
    // Memory of its own: a small Buffer.from comes out of node's shared 8 KiB pool, and a cached slice
    // would keep the whole slab alive while the cache counts only the slice.
    const body = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
    body.write(text);
    const etag = etagFor(index.version, search);
    return { etag, answer: { ...jsonAnswer(body, etag, this.options.cacheControl), body } };
  }
}

function joinMovies(index: CatalogueIndex, ranks: readonly number[]): string {
  let out = '';
  for (let i = 0; i < ranks.length; i++) {
    if (i > 0) out += ',';
    out += index.json[ranks[i] as number];
  }
  return out;
}
