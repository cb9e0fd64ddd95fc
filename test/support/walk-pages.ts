import assert from 'node:assert/strict';
import type { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import type { After, Page, SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';

/** Follows the keyset from page to page, as a client follows next_cursor, and returns every id in the order served. */
export function walkPages(index: CatalogueIndex, request: SearchRequest, maxPages: number): { ids: string[]; first: Page } {
  const ids: string[] = [];
  let after: After | undefined;
  let first: Page | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = searchMovies(index, after ? { ...request, after } : request);
    first ??= page;
    assert.ok(page.ranks.length <= request.limit);
    for (const rank of page.ranks) ids.push(index.idOf(rank));
    if (!page.hasMore) return { ids, first };
    assert.equal(page.ranks.length, request.limit, 'a page with has_more is full');
    const last = page.ranks.length - 1;
    const relevance = page.relevance?.[last];
    after =
      relevance === undefined
        ? { position: index.positionOf(page.ranks[last] as number) }
        : { position: index.positionOf(page.ranks[last] as number), relevance };
  }
  return { ids, first: first as Page };
}
