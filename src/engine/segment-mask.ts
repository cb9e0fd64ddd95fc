import type { LiveSegment } from './live-segments.js';
import type { StringTable } from './index-data.js';
import { titleGrams } from './plan.js';
import type { FacetName, MovieQuery } from './search-request.js';
import { encodeUtf8, stringAt, tableSize } from './string-table.js';

/** Every segment may match: a version of more segments than a mask has bits, or a query without filters. */
export const ALL_SEGMENTS = -1;

/** Only the base: no delta can match. */
export const BASE_ONLY = 1;

/** The most segments a mask tells apart: a bit each in a 32-bit integer, its sign bit left out. */
const MASK_SEGMENTS = 31;

/**
 * Which deltas of a version a query's filters can match, for every delta at once: a bit per
 * segment (bit s for segment s), worked out from a few map lookups per request instead of planning
 * every delta. A delta holds tens to thousands of movies, so its dictionaries miss most of a
 * query's cast names, genres, years or title n-grams, and planQuery would answer "nothing" for it
 * (plan.ts): a cleared bit says exactly that, and a set bit only that the delta must be planned.
 * The base (bit 0) is always planned. Maps are built on first use per kind, from the deltas'
 * dictionaries alone, so their cost follows the deltas' size, never the base's.
 */
export class SegmentMasks {
  private castMemo: Map<string, number> | undefined;
  private genreMemo: Map<string, number> | undefined;
  private gramMemo: Map<string, number> | undefined;
  private yearMemo: Map<number, number> | undefined;
  /** Every delta's bit, and the base's. */
  private readonly every: number;

  constructor(private readonly segments: readonly LiveSegment[]) {
    this.every = segments.length > MASK_SEGMENTS ? ALL_SEGMENTS : 2 ** segments.length - 1;
  }

  /** The segments the query's filters (less the one `without` leaves out, as planQuery) can match. */
  of(query: MovieQuery, without?: FacetName): number {
    let mask = this.every;
    if (mask === ALL_SEGMENTS || mask === BASE_ONLY) return mask;
    if (
      without !== 'year' &&
      without !== 'decade' &&
      (query.year !== undefined || query.yearFrom !== undefined || query.yearTo !== undefined)
    ) {
      const from = Math.max(query.year ?? -Infinity, query.yearFrom ?? -Infinity);
      const to = Math.min(query.year ?? Infinity, query.yearTo ?? Infinity);
      mask &= this.years(from, to);
    }
    if (without !== 'cast') {
      for (const name of query.cast) mask &= this.termMask((this.castMemo ??= this.terms((s) => s.index.data.cast.terms)), name);
    }
    if (without !== 'genre') {
      for (const name of query.genres) mask &= this.termMask((this.genreMemo ??= this.terms((s) => s.index.data.genres.terms)), name);
    }
    if (query.title !== undefined && mask > 1) {
      const grams = (this.gramMemo ??= this.terms((s) => s.index.data.grams.terms));
      for (const gram of titleGrams(query.title)) mask &= this.termMask(grams, gram);
    }
    // The base is always planned: a query's words are planned there even when nothing matches.
    return mask | BASE_ONLY;
  }

  private termMask(terms: Map<string, number>, key: string): number {
    return (terms.get(wellFormed(key)) ?? 0) | 1;
  }

  private years(from: number, to: number): number {
    if (this.yearMemo === undefined) {
      this.yearMemo = new Map();
      for (let s = 1; s < this.segments.length; s++) {
        for (const year of (this.segments[s] as LiveSegment).index.data.yearValues) add(this.yearMemo, year, s);
      }
    }
    if (from === to) return (this.yearMemo.get(from) ?? 0) | 1;
    let mask = 1;
    for (const [year, bits] of this.yearMemo) if (year >= from && year <= to) mask |= bits;
    return mask;
  }

  private terms(table: (segment: LiveSegment) => StringTable): Map<string, number> {
    const out = new Map<string, number>();
    for (let s = 1; s < this.segments.length; s++) {
      const terms = table(this.segments[s] as LiveSegment);
      for (let id = 0; id < tableSize(terms); id++) add(out, stringAt(terms, id), s);
    }
    return out;
  }
}

/** Whether bit `s` of a mask is set. */
export function inMask(mask: number, s: number): boolean {
  return ((mask >>> s) & 1) === 1;
}

function add<K>(map: Map<K, number>, key: K, s: number): void {
  map.set(key, (map.get(key) ?? 0) | (1 << s));
}

/**
 * The key as a table holds it: lookup (string-table.ts) compares UTF-8 bytes, which turn a lone
 * surrogate into U+FFFD, and the tables' entries are decoded from such bytes.
 */
function wellFormed(key: string): string {
  return /[\ud800-\udfff]/.test(key) ? new TextDecoder().decode(encodeUtf8(key)) : key;
}
