import { Cinedex, CinedexApiError, type FacetName, type ListMoviesQuery, type MoviePage } from '../../client/index.js';
import { SearchError } from '../../errors/errors.js';
import { formatFacets, formatTotal } from '../format-facets.js';
import { formatTable } from '../format-table.js';

export interface SearchOptions {
  readonly url: string;
  /** Free text: the command's argument. */
  readonly q?: string;
  readonly title?: string;
  readonly year?: number;
  readonly from?: number;
  readonly to?: number;
  readonly cast: readonly string[];
  readonly genre: readonly string[];
  readonly sort?: ListMoviesQuery['sort'];
  readonly facets: readonly FacetName[];
  readonly facetLimit?: number;
  readonly count: boolean;
  readonly limit?: number;
  /** Follow every page, not just the first. */
  readonly all: boolean;
  readonly json: boolean;
}

/** `cinedex search`: a client of a running server (through cinedex/client), printing a table (or JSON). */
export async function runSearch(options: SearchOptions): Promise<void> {
  const client = new Cinedex({ baseUrl: options.url });
  const params: ListMoviesQuery = {
    q: options.q,
    title: options.title,
    year: options.year,
    year_from: options.from,
    year_to: options.to,
    cast: [...options.cast],
    genre: [...options.genre],
    sort: options.sort,
    facets: options.facets,
    facet_limit: options.facetLimit,
    // Left out rather than false, so a plain search sends the URL it always has.
    count: options.count || undefined,
    limit: options.limit,
  };
  let page: MoviePage;
  try {
    page = await client.search(params);
    if (options.all && page.next_cursor !== null) {
      // Total and facets are the same on every page: the first page's are kept, and movies() fetches the rest without them.
      const items = [...page.items];
      for await (const movie of client.movies({ ...params, cursor: page.next_cursor })) items.push(movie);
      page = { ...page, items, has_more: false, next_cursor: null };
    }
  } catch (error) {
    // The server's own message says what to change; a server that cannot be reached may not be running.
    if (error instanceof CinedexApiError) throw error;
    throw new SearchError(`${(error as Error).message}. Is it running? Set --url or CINEDEX_URL.`, { cause: error });
  }
  process.stdout.write(`${options.json ? asJson(page, options) : asText(page, process.stdout.columns ?? 120)}\n`);
}

/** The movies array, as before totals and facets existed; the page object when they are asked for, since an array has no room for them. */
function asJson(page: MoviePage, options: SearchOptions): string {
  const whole = options.count || options.facets.length > 0;
  return JSON.stringify(whole ? page : page.items, null, 2);
}

function asText(page: MoviePage, width: number): string {
  const parts = [formatTable(page.items, width)];
  if (page.total !== undefined) parts.push(formatTotal(page.total));
  if (page.facets !== undefined) parts.push('', formatFacets(page.facets, width));
  return parts.join('\n');
}
