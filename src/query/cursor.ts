import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import type { MovieQuery, Position } from '../engine/movie-query.js';
import { QueryError } from './query-error.js';

const VERSION = 1;
const MAC_BYTES = 12;

/**
 * A short fingerprint of a canonical query. A cursor carries it so that it cannot be replayed on a
 * different query, where its position would silently skip or repeat movies.
 */
export function queryFingerprint(query: MovieQuery): string {
  const canonical = JSON.stringify([query.title ?? null, query.year ?? null, query.cast, query.genres]);
  // One-shot hash: no Hash object per request on the hot path.
  return hash('sha256', canonical, 'base64url').slice(0, 11);
}

/** The cursor side of one page request: where the page starts, and how to point past it. */
export interface PageCursor {
  /** The position the page starts after, from the request's cursor; undefined for a first page. */
  readonly after: Position | undefined;
  /** The `next_cursor` for the page that follows `last`. */
  next(last: Position): string;
}

/**
 * Cursors are keyset positions (year, title, id), not offsets, so they stay meaningful across data
 * reloads. They are signed so that a client cannot hand-craft or edit one: a bad cursor is a clear
 * 400 rather than a page from an arbitrary position.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  /**
   * Decodes the request's cursor, if any, for `query`. The fingerprint is computed at most once per
   * request, and only when a cursor is read or written. Throws QueryError for a bad cursor.
   */
  forPage(query: MovieQuery, cursor: string | undefined): PageCursor {
    let fingerprint = cursor === undefined ? undefined : queryFingerprint(query);
    const after = cursor === undefined ? undefined : this.decode(cursor, fingerprint as string);
    return { after, next: (last) => this.encode(last, (fingerprint ??= queryFingerprint(query))) };
  }

  encode(position: Position, fingerprint: string): string {
    const payload = Buffer.from(JSON.stringify([VERSION, position.year, position.title, position.id, fingerprint]));
    return `${payload.toString('base64url')}.${this.mac(payload).toString('base64url')}`;
  }

  /** Throws QueryError for anything that is not a cursor this service issued for this query. */
  decode(cursor: string, fingerprint: string): Position {
    const invalid = () =>
      new QueryError(
        'cursor',
        'cursor is not valid (damaged or edited); use next_cursor exactly as returned, or start again without cursor',
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
    } catch {
      throw invalid();
    }
    if (
      !Array.isArray(fields) ||
      fields.length !== 5 ||
      fields[0] !== VERSION ||
      !Number.isInteger(fields[1]) ||
      typeof fields[2] !== 'string' ||
      typeof fields[3] !== 'string' ||
      typeof fields[4] !== 'string'
    ) {
      throw invalid();
    }
    if (fields[4] !== fingerprint) {
      throw new QueryError('cursor', 'cursor belongs to a different query; send the same filters as the request that returned it');
    }
    return { year: fields[1] as number, title: fields[2], id: fields[3] };
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, MAC_BYTES);
  }
}
