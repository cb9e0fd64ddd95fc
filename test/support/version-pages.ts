import type { Movie } from '../../src/catalogue/movie.js';
import type { CatalogueIndex, SegmentEntry } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import type { After, Page } from '../../src/engine/search-request.js';

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
