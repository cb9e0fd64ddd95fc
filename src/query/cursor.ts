import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { SORT_ORDERS, type After, type MovieQuery, type Position, type SortOrder } from '../engine/search-request.js';
import { QueryError } from '../errors/errors.js';

const MAC_BYTES = 12;
/**
 * Version 1: the catalogue order, [1, year, title, id, fingerprint]. Still written for that order, so
 * replicas of every release read it.
 */
const V1 = 1;
/** Version 2: any order, [2, sort, year, title, id, fingerprint, relevance key or null]. */
const V2 = 2;

/**
 * A short fingerprint of a canonical query and its order. A cursor carries it so that it cannot be
 * replayed on a different query or order, where its position would silently skip or repeat movies.
 * Queries that only use the original filters, in the catalogue order, keep the original
 * fingerprint: cursors issued by older replicas stay valid during a rollout.
 */
export function queryFingerprint(query: MovieQuery, sort: SortOrder = 'year:desc'): string {
  const original = [query.title ?? null, query.year ?? null, query.cast, query.genres];
  const extended = query.q !== undefined || query.yearFrom !== undefined || query.yearTo !== undefined || sort !== 'year:desc';
  const canonical = JSON.stringify(
    extended
      ? [
          ...original,
          query.q ?? null,
          query.yearFrom ?? null,
          query.yearTo ?? null,
          sort,
          ...(query.match ? [query.match] : []),
          ...(query.phrases || query.exclude ? [query.phrases ?? null, query.exclude ?? null] : []),
        ]
      : original,
  );
  // One-shot hash: no Hash object per request on the hot path.
  return hash('sha256', canonical, 'base64url').slice(0, 11);
}

/** The cursor side of one page request: where the page starts, and how to point past it. */
export interface PageCursor {
  /** Where the page starts (exclusive), from the request's cursor; undefined for a first page. */
  readonly after: After | undefined;
  /** The `next_cursor` for the page that follows `last` (with its relevance key under sort=relevance). */
  next(last: Position, relevance?: number): string;
}

/**
 * Cursors are keyset positions (the last movie's place in the request's order), not offsets, so
 * they stay meaningful across data reloads. They are signed so that a client cannot hand-craft or
 * edit one: a bad cursor is a clear 400 rather than a page from an arbitrary position.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  /**
   * Decodes the request's cursor, if any, for `query` in `sort` order. The fingerprint is computed
   * at most once per request, and only when a cursor is read or written. Throws QueryError.
   */
  forPage(query: MovieQuery, sort: SortOrder, cursor: string | undefined): PageCursor {
    let fingerprint = cursor === undefined ? undefined : queryFingerprint(query, sort);
    const after = cursor === undefined ? undefined : this.decode(cursor, fingerprint as string, sort);
    return { after, next: (last, relevance) => this.encode(last, (fingerprint ??= queryFingerprint(query, sort)), sort, relevance) };
  }

  encode(position: Position, fingerprint: string, sort: SortOrder = 'year:desc', relevance?: number): string {
    const fields =
      sort === 'year:desc'
        ? [V1, position.year, position.title, position.id, fingerprint]
        : [V2, sort, position.year, position.title, position.id, fingerprint, relevance ?? null];
    const payload = Buffer.from(JSON.stringify(fields));
    return `${payload.toString('base64url')}.${this.mac(payload).toString('base64url')}`;
  }

  /** Throws QueryError for anything that is not a cursor this service issued for this query and order. */
  decode(cursor: string, fingerprint: string, sort: SortOrder = 'year:desc'): After {
    const invalid = (options?: ErrorOptions) =>
      new QueryError(
        'cursor',
        'cursor is not valid (damaged or edited); use next_cursor exactly as returned, or start again without cursor',
        options,
      );
    const dot = cursor.indexOf('.');
    if (dot <= 0 || cursor.length > 2048) throw invalid();
    const payload = Buffer.from(cursor.slice(0, dot), 'base64url');
    const mac = Buffer.from(cursor.slice(dot + 1), 'base64url');
    // Node's base64 decoder skips stray characters; only the canonical spelling of a cursor is accepted.
    if (`${payload.toString('base64url')}.${mac.toString('base64url')}` !== cursor) throw invalid();
    const expected = this.mac(payload);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw invalid();
    let fields: unknown;
    try {
      fields = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      throw invalid({ cause: error });
    }
    const parsed = readFields(fields);
    if (parsed === undefined) throw invalid();
    if (parsed.fingerprint !== fingerprint || parsed.sort !== sort) {
      throw new QueryError(
        'cursor',
        'cursor belongs to a different query or order; send the same parameters as the request that returned it',
      );
    }
    return parsed.relevance === undefined ? { position: parsed.position } : { position: parsed.position, relevance: parsed.relevance };
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, MAC_BYTES);
  }
}

function readFields(fields: unknown): { sort: SortOrder; position: Position; fingerprint: string; relevance?: number } | undefined {
  if (!Array.isArray(fields)) return undefined;
  const position = (year: unknown, title: unknown, id: unknown): Position | undefined =>
    Number.isInteger(year) && typeof title === 'string' && typeof id === 'string' ? { year: year as number, title, id } : undefined;
  if (fields[0] === V1 && fields.length === 5 && typeof fields[4] === 'string') {
    const p = position(fields[1], fields[2], fields[3]);
    return p && { sort: 'year:desc', position: p, fingerprint: fields[4] };
  }
  if (fields[0] === V2 && fields.length === 7 && (SORT_ORDERS as readonly unknown[]).includes(fields[1]) && typeof fields[5] === 'string') {
    const p = position(fields[2], fields[3], fields[4]);
    const relevance = fields[6];
    if (!p || !(relevance === null || Number.isInteger(relevance))) return undefined;
    const sort = fields[1] as SortOrder;
    return relevance === null
      ? { sort, position: p, fingerprint: fields[5] }
      : { sort, position: p, fingerprint: fields[5], relevance: relevance as number };
  }
  return undefined;
}
