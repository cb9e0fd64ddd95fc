import type { CatalogueIndex } from '../engine/catalogue-index.js';
import type { Highlight, Page } from '../engine/search-request.js';

const encoder = new TextEncoder();

/**
 * The JSON body of a page, written from slices of the index's movie buffer: each movie's bytes are
 * copied once into the answer, never decoded into strings and joined. With highlights, a movie's
 * object is closed after a `_highlight` member instead of its own closing brace.
 */
export function pageBody(index: CatalogueIndex, page: Page, nextCursor: string | null): Buffer {
  const parts: Uint8Array[] = [encoder.encode('{"items":[')];
  page.ranks.forEach((rank, i) => {
    if (i > 0) parts.push(COMMA);
    const movie = index.movieBytes(rank);
    const mark = page.highlights?.[i];
    if (mark === undefined) parts.push(movie);
    else parts.push(movie.subarray(0, movie.length - 1), encoder.encode(`,"_highlight":${highlightJson(mark)}}`));
  });
  let tail = `],"has_more":${page.hasMore},"next_cursor":${nextCursor === null ? 'null' : JSON.stringify(nextCursor)}`;
  if (page.partial !== undefined) tail += `,"partial":${JSON.stringify(page.partial)}`;
  if (page.total !== undefined) tail += `,"total":${page.total}`;
  if (page.facets !== undefined) tail += `,"facets":${JSON.stringify(page.facets)}`;
  parts.push(encoder.encode(`${tail}}`));
  let length = 0;
  for (const part of parts) length += part.length;
  // Memory of its own: a small Buffer.from comes out of node's shared 8 KiB pool, and a cached slice
  // would keep the whole slab alive while the cache counts only the slice.
  const body = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.length;
  }
  return body;
}

const COMMA = encoder.encode(',');

function highlightJson(mark: Highlight): string {
  return JSON.stringify({ title: mark.title, cast: Object.fromEntries(mark.cast), ...(mark.extract ? { extract: mark.extract } : {}) });
}
