import { placesIn, type BasePlaces } from './base-places.js';
import { catalogueOrder } from './catalogue-order.js';
import type { LiveSegment } from './live-segments.js';
import type { SortOrder } from './search-request.js';
import { compareEntry } from './string-table.js';

/** One segment's page: its best movies after the cursor, in the request's order, and their relevance keys with sort=relevance. */
export interface SegmentPage {
  readonly segment: LiveSegment;
  readonly ranks: readonly number[];
  readonly relevance?: readonly number[] | undefined;
  /** A delta's places among the base's ranks (base-places.ts), when known: its movies then meet the base's page as integers. */
  readonly places?: BasePlaces | undefined;
}

/** The merged page: version ranks (a segment's docBase + its rank there) and, with sort=relevance, their keys. */
export interface MergedPage {
  readonly ranks: number[];
  readonly relevance?: number[];
}

/** Does page `a`'s movie at `i` come before page `b`'s at `j` (movies of different segments) in the order? */
type Precedes = (a: SegmentPage, i: number, b: SegmentPage, j: number) => boolean;

/**
 * The first `want` movies of the segments' pages in the request's order, each page already in that
 * order. Every order ends in the catalogue order (year descending, title by UTF-16 code units, id),
 * a total order of the live movies: one segment built from them would rank them the same way, and a
 * keyset cursor falls between the same two movies in every segment. Nothing is built per movie but
 * its rank and key: this runs on every request that plans a delta.
 */
export function mergePages(pages: readonly SegmentPage[], sort: SortOrder, want: number): MergedPage {
  let nonEmpty = 0;
  let only: SegmentPage | undefined;
  for (const page of pages) {
    if (page.ranks.length === 0) continue;
    nonEmpty++;
    only = page;
  }
  // Most requests over a version with deltas find nothing in any delta: one page, nothing to compare.
  if (only === undefined) return sort === 'relevance' ? { ranks: [], relevance: [] } : { ranks: [] };
  if (nonEmpty === 1) {
    const docBase = only.segment.docBase;
    const ranks = only.ranks.slice(0, want);
    if (docBase !== 0) for (let i = 0; i < ranks.length; i++) ranks[i] = (ranks[i] as number) + docBase;
    return only.relevance ? { ranks, relevance: only.relevance.slice(0, want) } : { ranks };
  }
  const before = PRECEDES[sort];
  const at = new Array<number>(pages.length).fill(0);
  const ranks: number[] = [];
  const relevance: number[] = [];
  while (ranks.length < want) {
    let best = -1;
    for (let p = 0; p < pages.length; p++) {
      const page = pages[p] as SegmentPage;
      const i = at[p] as number;
      if (i >= page.ranks.length) continue;
      if (best === -1 || before(page, i, pages[best] as SegmentPage, at[best] as number)) best = p;
    }
    if (best === -1) break;
    const page = pages[best] as SegmentPage;
    const i = at[best] as number;
    ranks.push(page.segment.docBase + (page.ranks[i] as number));
    relevance.push(page.relevance?.[i] ?? 0);
    at[best] = i + 1;
  }
  return sort === 'relevance' ? { ranks, relevance } : { ranks };
}

const PRECEDES: Readonly<Record<SortOrder, Precedes>> = {
  'year:desc': (a, i, b, j) => compareCatalogue(a, i, b, j) < 0,
  'year:asc': (a, i, b, j) => (yearOf(a, i) - yearOf(b, j) || compareCatalogue(a, i, b, j)) < 0,
  'title:asc': (a, i, b, j) => (compareTitles(a, i, b, j) || compareCatalogue(a, i, b, j)) < 0,
  'title:desc': (a, i, b, j) => (compareTitles(b, j, a, i) || compareCatalogue(a, i, b, j)) < 0,
  relevance: (a, i, b, j) => (keyOf(a, i) - keyOf(b, j) || compareCatalogue(a, i, b, j)) < 0,
};

function keyOf(page: SegmentPage, i: number): number {
  return page.relevance?.[i] ?? 0;
}

function yearOf(page: SegmentPage, i: number): number {
  return page.segment.index.data.years[page.ranks[i] as number] as number;
}

function compareCatalogue(a: SegmentPage, i: number, b: SegmentPage, j: number): number {
  const ra = a.ranks[i] as number;
  const rb = b.ranks[j] as number;
  // A page's movies are live, and a live base movie never ties a delta's: `before` decides.
  const pb = placesIn(b.places, a.segment.index);
  if (pb !== undefined) return ra < (pb[rb] as number) ? -1 : 1;
  const pa = placesIn(a.places, b.segment.index);
  if (pa !== undefined) return rb < (pa[ra] as number) ? 1 : -1;
  return catalogueOrder(a.segment.index, ra, b.segment.index, rb);
}

/** Normalised titles in code point order: the bytes of one segment's table against the other's. */
function compareTitles(a: SegmentPage, i: number, b: SegmentPage, j: number): number {
  const titles = b.segment.index.data.normalisedTitles;
  const rank = b.ranks[j] as number;
  const key = titles.bytes.subarray(titles.offsets[rank], titles.offsets[rank + 1]);
  return compareEntry(a.segment.index.data.normalisedTitles, a.ranks[i] as number, key);
}
