import type { LiveSegment } from './live-segments.js';
import type { SegmentIndex } from './segment-index.js';
import type { SortOrder } from './search-request.js';
import type { StringTable } from './index-data.js';
import { compareEntry, stringAt } from './string-table.js';

/** One segment's page: its best movies after the cursor, in the request's order, and their relevance keys with sort=relevance. */
export interface SegmentPage {
  readonly segment: LiveSegment;
  readonly ranks: readonly number[];
  readonly relevance?: readonly number[];
}

/** A movie of the merged page: its segment (and that segment's place in the version), its rank there, its relevance key (0 without). */
export interface Hit {
  readonly segment: LiveSegment;
  readonly part: number;
  readonly rank: number;
  readonly key: number;
}

/**
 * The first `want` movies of the segments' pages in the request's order, each page already in that
 * order. Every order ends in the catalogue order (year descending, title by UTF-16 code units, id),
 * a total order of the live movies: one segment built from them would rank them the same way, and a
 * keyset cursor falls between the same two movies in every segment.
 */
export function mergePages(pages: readonly SegmentPage[], sort: SortOrder, want: number): Hit[] {
  // Most requests over a version with deltas find nothing in any delta: one page, nothing to compare.
  const nonEmpty = pages.filter((page) => page.ranks.length > 0);
  if (nonEmpty.length <= 1) {
    const page = nonEmpty[0];
    if (page === undefined) return [];
    const part = pages.indexOf(page);
    return page.ranks.slice(0, want).map((rank, i) => ({ segment: page.segment, part, rank, key: page.relevance?.[i] ?? 0 }));
  }
  const before = precedes(sort);
  const at = pages.map(() => 0);
  const head = (part: number): Hit | undefined => {
    const page = pages[part] as SegmentPage;
    const i = at[part] as number;
    return i < page.ranks.length
      ? { segment: page.segment, part, rank: page.ranks[i] as number, key: page.relevance?.[i] ?? 0 }
      : undefined;
  };
  const heads = pages.map((_, part) => head(part));
  const out: Hit[] = [];
  while (out.length < want) {
    let best: Hit | undefined;
    for (const hit of heads) if (hit !== undefined && (best === undefined || before(hit, best))) best = hit;
    if (best === undefined) break;
    out.push(best);
    at[best.part] = (at[best.part] as number) + 1;
    heads[best.part] = head(best.part);
  }
  return out;
}

/** Does `a` come before `b` (movies of different segments) in the order? */
function precedes(sort: SortOrder): (a: Hit, b: Hit) => boolean {
  switch (sort) {
    case 'year:desc':
      return (a, b) => compareCatalogue(a, b) < 0;
    case 'year:asc':
      return (a, b) => (yearOf(a) - yearOf(b) || compareCatalogue(a, b)) < 0;
    case 'title:asc':
      return (a, b) => (compareTitles(a, b) || compareCatalogue(a, b)) < 0;
    case 'title:desc':
      return (a, b) => (compareTitles(b, a) || compareCatalogue(a, b)) < 0;
    case 'relevance':
      return (a, b) => (a.key - b.key || compareCatalogue(a, b)) < 0;
  }
}

function yearOf(hit: Hit): number {
  return hit.segment.index.data.years[hit.rank] as number;
}

function compareCatalogue(a: Hit, b: Hit): number {
  return catalogueOrder(a.segment.index, a.rank, b.segment.index, b.rank);
}

/**
 * The catalogue order of two movies of any segments (build-index sorts a segment by it:
 * catalogue/movie.ts, compareMovies), read off their bytes: no string is decoded.
 */
export function catalogueOrder(a: SegmentIndex, i: number, b: SegmentIndex, j: number): number {
  const da = a.data;
  const db = b.data;
  const years = (db.years[j] as number) - (da.years[i] as number);
  if (years !== 0) return years;
  const titles = compareUtf16(da.titles, i, db.titles, j);
  if (titles !== 0) return titles;
  return (da.idHigh[i] as number) - (db.idHigh[j] as number) || (da.idLow[i] as number) - (db.idLow[j] as number);
}

/** Normalised titles in code point order: the bytes of one segment's table against the other's. */
function compareTitles(a: Hit, b: Hit): number {
  const titles = b.segment.index.data.normalisedTitles;
  const key = titles.bytes.subarray(titles.offsets[b.rank], titles.offsets[b.rank + 1]);
  return compareEntry(a.segment.index.data.normalisedTitles, a.rank, key);
}

/**
 * Two titles in UTF-16 code unit order (the catalogue order's), read off their UTF-8 bytes: byte
 * order is code point order, which differs from UTF-16's only between U+E000–U+FFFF and the
 * characters above U+FFFF (lead bytes 0xEE–0xEF against 0xF0–0xF4). Only then are they decoded.
 */
function compareUtf16(a: StringTable, i: number, b: StringTable, j: number): number {
  const aStart = a.offsets[i] as number;
  const aLength = (a.offsets[i + 1] as number) - aStart;
  const bStart = b.offsets[j] as number;
  const bLength = (b.offsets[j + 1] as number) - bStart;
  const n = Math.min(aLength, bLength);
  for (let k = 0; k < n; k++) {
    const x = a.bytes[aStart + k] as number;
    const y = b.bytes[bStart + k] as number;
    if (x === y) continue;
    if (x >= 0xee && y >= 0xee) {
      const ta = stringAt(a, i);
      const tb = stringAt(b, j);
      return ta < tb ? -1 : ta > tb ? 1 : 0;
    }
    return x - y;
  }
  return aLength - bLength;
}
