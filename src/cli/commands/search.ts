import { Cinedex, CinedexApiError, type ListMoviesQuery, type MoviePageItem } from '../../client/index.js';
import { formatTable } from '../format-table.js';

export interface SearchOptions {
  readonly url: string;
  readonly title?: string;
  readonly year?: number;
  readonly cast: readonly string[];
  readonly genre: readonly string[];
  readonly limit?: number;
  /** Follow every page, not just the first. */
  readonly all: boolean;
  readonly json: boolean;
}

/** A failure to show the user as one line. */
export class SearchError extends Error {
  readonly code = 'SEARCH_FAILED';
}

/** `cinedex search`: a client of a running server (through cinedex/client), printing a table (or JSON). */
export async function runSearch(options: SearchOptions): Promise<void> {
  const client = new Cinedex({ baseUrl: options.url });
  const params: ListMoviesQuery = {
    title: options.title,
    year: options.year,
    cast: [...options.cast],
    genre: [...options.genre],
    limit: options.limit,
  };
  let rows: MoviePageItem[] = [];
  try {
    if (!options.all) rows = (await client.search(params)).items;
    else for await (const movie of client.movies(params)) rows.push(movie);
  } catch (error) {
    // The server's own message says what to change; a server that cannot be reached may not be running.
    if (error instanceof CinedexApiError) throw error;
    throw new SearchError(`${(error as Error).message}. Is it running? Set --url or CINEDEX_URL.`, { cause: error });
  }
  process.stdout.write(options.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatTable(rows, process.stdout.columns ?? 120)}\n`);
}
