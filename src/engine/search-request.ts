/**
 * A query in canonical form: every term already normalised (see catalogue/normalise and
 * catalogue/words), lists deduplicated and sorted, so equal queries are equal values (cursor
 * binding, ETags, caching). The parser (query/parse-query.ts) gives every field, undefined when absent, so that its
 * queries share one shape; a query built elsewhere may leave absent fields out, and means the same.
 */
export interface MovieQuery {
  /** A substring of the normalised title. */
  readonly title?: string;
  readonly year?: number;
  /** Inclusive year bounds; either alone is open-ended. */
  readonly yearFrom?: number;
  readonly yearTo?: number;
  readonly cast: readonly string[];
  readonly genres: readonly string[];
  /** Free text as folded words, in the order typed; absent without `q`. */
  readonly q?: readonly string[];
  /** Phrases of `q` (`"new hope"`): [first, end) positions in `q` whose words must sit side by side (phrases.ts). */
  readonly phrases?: readonly (readonly [number, number])[];
  /** Words of `q` typed with a minus (`-musical`): no match has them, exactly, in its title or cast (phrases.ts). */
  readonly exclude?: readonly string[];
  /** `match=all`: every word of `q` must match; absent for the default, `most` (match-strategy.ts). */
  readonly match?: 'all';
}

export const SORT_ORDERS = ['year:desc', 'year:asc', 'title:asc', 'title:desc', 'relevance'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const FACETS = ['genre', 'year', 'decade', 'cast'] as const;
export type FacetName = (typeof FACETS)[number];

/** A keyset position in the catalogue order: year descending, title by UTF-16 code units, id. */
export interface Position {
  readonly year: number;
  readonly title: string;
  readonly id: string;
}

/**
 * Where a page starts: strictly after this key in the request's order. Every order ends in the
 * catalogue order, so the position alone places a movie in year and title orders (the normalised
 * title is the position's title, normalised); relevance adds the packed key of rules 1 to 4.
 */
export interface After {
  readonly position: Position;
  readonly relevance?: number;
}

export interface SearchRequest {
  readonly query: MovieQuery;
  readonly sort: SortOrder;
  readonly limit: number;
  readonly after?: After;
  readonly facets: readonly FacetName[];
  readonly facetLimit: number;
  readonly count: boolean;
  readonly highlight: boolean;
}

export interface FacetValue {
  readonly value: string | number;
  readonly count: number;
}

export type Facets = Partial<Record<FacetName, readonly FacetValue[]>>;

/** UTF-16 ranges [start, end) of the original strings that query words matched. */
export interface Highlight {
  readonly title: readonly (readonly [number, number])[];
  /** By cast name as it appears in the movie; only names with a match. */
  readonly cast: ReadonlyMap<string, readonly (readonly [number, number])[]>;
  /** Ranges of the extract whose words the extract tier matched; absent when none did. */
  readonly extract?: readonly (readonly [number, number])[];
}

export interface Page {
  /** Ranks of the movies on this page, in the request's order. */
  readonly ranks: readonly number[];
  /** With sort=relevance, each movie's packed relevance key (rules 1 to 4), for its cursor. */
  readonly relevance?: readonly number[];
  readonly hasMore: boolean;
  /** All matches (count=true). */
  readonly total?: number;
  readonly facets?: Facets;
  readonly highlights?: readonly Highlight[];
  /** Set when no movie matches every word of `q` and the page holds those matching the most (match-strategy.ts). */
  readonly partial?: { readonly words: number; readonly matched: number };
}
