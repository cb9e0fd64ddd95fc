/** A movie as served by the API. Field order here is the order of the serialised JSON. */
export interface Movie {
  readonly id: string;
  readonly title: string;
  readonly year: number;
  readonly cast: readonly string[];
  readonly genres: readonly string[];
  readonly href?: string;
  readonly extract?: string;
  readonly thumbnail?: string;
  readonly thumbnail_width?: number;
  readonly thumbnail_height?: number;
}

/** The upstream fields that pass through untouched when present. */
export const OPTIONAL_FIELDS = ['href', 'extract', 'thumbnail', 'thumbnail_width', 'thumbnail_height'] as const;
export type OptionalField = (typeof OPTIONAL_FIELDS)[number];

/** Every field a provider record may set; `title` and `year` form the key. */
export const MOVIE_FIELDS = ['title', 'year', 'cast', 'genres', ...OPTIONAL_FIELDS] as const;
export type MovieField = (typeof MOVIE_FIELDS)[number];

/** A movie without its id: what the seed and provider records describe. */
export type MovieRecord = Omit<Movie, 'id'>;

/** Serialises with a fixed field order, so equal movies give equal bytes (ETags, snapshot checksums). */
export function movieJson(movie: Movie): string {
  const ordered: Record<string, unknown> = {
    id: movie.id,
    title: movie.title,
    year: movie.year,
    cast: movie.cast,
    genres: movie.genres,
  };
  for (const field of OPTIONAL_FIELDS) {
    if (movie[field] !== undefined) ordered[field] = movie[field];
  }
  return JSON.stringify(ordered);
}

/** The catalogue's total order: year descending, then title by UTF-16 code units, then id. */
export function compareMovies(
  a: { readonly year: number; readonly title: string; readonly id: string },
  b: { readonly year: number; readonly title: string; readonly id: string },
): number {
  if (a.year !== b.year) return b.year - a.year;
  if (a.title !== b.title) return a.title < b.title ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}
