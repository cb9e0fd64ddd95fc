import assert from 'node:assert/strict';
import type { Movie } from '../../src/catalogue/movie.js';
import { hasBit } from '../../src/engine/bits.js';
import { CatalogueIndex, type SegmentEntry } from '../../src/engine/catalogue-index.js';
import { foldDeltas, foldedEntries } from '../../src/engine/delta-fold.js';
import type { LiveSegment } from '../../src/engine/live-segments.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import type { After, Page, SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { referenceMatches, type ReferenceRequest } from './reference-engine.js';
import type { ExtractCollection } from './reference-extract.js';

/** The cursor a client would send for the page's last movie. */
export function cursorAfter(index: CatalogueIndex, page: Page): After {
  const last = page.ranks.length - 1;
  const position = index.positionOf(page.ranks[last] as number);
  const relevance = page.relevance?.[last];
  return relevance === undefined ? { position } : { position, relevance };
}

/** A page as a client sees it: movies by id (ranks are each version's own), everything else as is. */
export function seen(index: CatalogueIndex, page: Page): unknown {
  return { ...page, ranks: page.ranks.map((rank) => index.idOf(rank)), movies: page.ranks.map((rank) => index.movieJson(rank)) };
}

/**
 * A delta segment of a run's last word per id (a movie, or null for a deletion), applied to `live`,
 * the model's catalogue of live movies by id.
 */
export function deltaEntry(name: string, last: ReadonlyMap<string, Movie | null>, live: Map<string, Movie>): SegmentEntry {
  const puts: Movie[] = [];
  const deletes: string[] = [];
  for (const [id, movie] of last) {
    if (movie === null) {
      deletes.push(id);
      live.delete(id);
    } else {
      puts.push(movie);
      live.set(id, movie);
    }
  }
  return { index: SegmentIndex.build(name, puts), deletes };
}

/**
 * Walks `request` page by page (at most 30) over `catalogue` and over `reference`, one segment of its live movies,
 * asking each page of `catalogue` twice (what a version remembers filled, then read): both answers must be the
 * reference's, cursors and all. `after` runs once each page is checked.
 */
export function walkTwice(
  catalogue: CatalogueIndex,
  reference: CatalogueIndex,
  request: SearchRequest,
  label: string,
  after?: () => void,
): void {
  let cursors: { version?: After; reference?: After } = {};
  for (let page = 1; page <= 30; page++) {
    const at = (a: After | undefined): SearchRequest => (a === undefined ? request : { ...request, after: a });
    const want = searchMovies(reference, at(cursors.reference));
    for (const time of ['first', 'again']) {
      const got = searchMovies(catalogue, at(cursors.version));
      assert.deepEqual(seen(catalogue, got), seen(reference, want), `${label}, page ${page}, ${time}`);
    }
    after?.();
    const got = searchMovies(catalogue, at(cursors.version));
    if (!got.hasMore) break;
    cursors = { version: cursorAfter(catalogue, got), reference: cursorAfter(reference, want) };
  }
}

/** The version over `entries` as a serving process holds it: its deltas read one by one, or folded into one (delta-fold.ts). */
export function versionOver(entries: readonly SegmentEntry[], folded: boolean): CatalogueIndex {
  return CatalogueIndex.of('v', folded ? foldedEntries(entries, foldDeltas(entries)) : entries);
}

/** A segment's superseded (or live) movies the reference model matches to `r`, by rank: what a memo must hold of it. */
export function referenceRanks(segment: LiveSegment, superseded: boolean, r: ReferenceRequest, collection: ExtractCollection): number[] {
  const ranks: number[] = [];
  for (let rank = 0; rank < segment.index.size; rank++) {
    const dead = segment.deadBits !== undefined && hasBit(segment.deadBits, rank);
    if (dead === superseded && referenceMatches(segment.index.movie(rank), r, collection)) ranks.push(rank);
  }
  return ranks;
}
