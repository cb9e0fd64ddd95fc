import type { Movie } from '../catalogue/movie.js';

export interface SearchOptions {
  readonly url: string;
  readonly title?: string;
  readonly year?: string;
  readonly cast: readonly string[];
  readonly genre: readonly string[];
  readonly limit?: string;
  readonly all: boolean;
}

/** The fields the CLI shows; the API's Movie has more. */
export type MovieRow = Pick<Movie, 'id' | 'title' | 'year' | 'cast' | 'genres'>;

/** A failure to show the user as one line. */
export class ClientError extends Error {
  readonly code = 'CLIENT_ERROR';
}

/** Calls GET /v1/movies, following next_cursor when `all` is set. */
export async function searchServer(options: SearchOptions): Promise<MovieRow[]> {
  const base = options.url.replace(/\/+$/, '');
  const params = new URLSearchParams();
  if (options.title) params.set('title', options.title);
  if (options.year) params.set('year', options.year);
  for (const c of options.cast) params.append('cast', c);
  for (const g of options.genre) params.append('genre', g);
  if (options.limit) params.set('limit', options.limit);
  const rows: MovieRow[] = [];
  let cursor: string | null = null;
  do {
    const page = new URLSearchParams(params);
    if (cursor) page.set('cursor', cursor);
    const body = (await getJson(`${base}/v1/movies?${page}`)) as { items: MovieRow[]; next_cursor: string | null };
    rows.push(...body.items);
    cursor = options.all ? body.next_cursor : null;
  } while (cursor);
  return rows;
}

async function getJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    // undici nests the socket error, sometimes inside an AggregateError (one per address tried).
    const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
    const code = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).name;
    const origin = new URL(url).origin;
    throw new ClientError(`cannot reach the cinedex server at ${origin} (${code}). Is it running? Set --url or CINEDEX_URL.`);
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = text.slice(0, 300);
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      // not a problem document: show the raw text
    }
    throw new ClientError(`the server answered ${response.status} ${response.statusText}: ${detail}`);
  }
  return JSON.parse(text);
}
