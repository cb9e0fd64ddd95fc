/**
 * `import { Cinedex } from 'cinedex/client'`: a typed client of the cinedex HTTP API. It imports
 * nothing else from src/ (layers.mjs), so it is the whole of what that package export ships.
 */
export { Cinedex, DEFAULT_TIMEOUT_MS, type CallOptions, type CinedexOptions } from './cinedex.js';
export { CinedexAbortError, CinedexApiError, CinedexError, CinedexNetworkError, CinedexTimeoutError } from './errors.js';
export type {
  FacetSearchQuery,
  FacetValueList,
  SearchableFacet,
  FacetName,
  Facets,
  FacetValue,
  GenreList,
  Highlight,
  ListMoviesQuery,
  Movie,
  MovieHistory,
  MoviePage,
  MoviePageItem,
  Problem,
  Status,
} from './types.js';
export type { components, operations, paths } from './openapi.js';
