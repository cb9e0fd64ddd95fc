import type { CatalogueIndex } from '../../src/engine/catalogue-index.js';
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
