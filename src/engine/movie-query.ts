/**
 * A query in canonical form: every term already normalised (see catalogue/normalise), lists
 * deduplicated and sorted, so equal queries are equal values (cursor binding, ETags, caching).
 */
export interface MovieQuery {
  readonly title?: string;
  readonly year?: number;
  readonly cast: readonly string[];
  readonly genres: readonly string[];
}

/** A keyset position in the catalogue order; a page starts strictly after it. */
export interface Position {
  readonly year: number;
  readonly title: string;
  readonly id: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly after?: Position;
}

export interface Page {
  /** Ranks (positions in the index's catalogue order) of the movies on this page. */
  readonly ranks: readonly number[];
  readonly hasMore: boolean;
}
