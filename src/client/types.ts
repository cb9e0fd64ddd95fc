import type { components, operations } from './openapi.js';

/**
 * The client's types, each taken from the generated OpenAPI types (openapi.ts) rather than written
 * again: a parameter or field the server's document gains arrives here with `npm run client:types`.
 */
type JsonOf<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;
type OkBody<Operation> = Operation extends { responses: { 200: infer Response } } ? JsonOf<Response> : never;
type QueryOf<Operation> = Operation extends { parameters: { query?: infer Query } } ? NonNullable<Query> : never;

type ListMoviesParameters = QueryOf<operations['listMovies']>;
/** A facet GET /v1/movies can count: genre, year, decade or cast. */
export type FacetName = keyof components['schemas']['Facets'] & string;
/**
 * Every query parameter of GET /v1/movies; repeatable ones (cast, genre) are arrays. `facets` is a
 * comma-separated string on the wire; an array of names is easier to build, so it is taken too.
 */
export type ListMoviesQuery = Omit<ListMoviesParameters, 'facets'> & {
  facets?: ListMoviesParameters['facets'] | readonly FacetName[];
};
/** One page of GET /v1/movies: `total` with count=true, `facets` with facets. */
export type MoviePage = OkBody<operations['listMovies']>;
/** One item of a page: a movie, with `_highlight` when highlight=true and q has words. */
export type MoviePageItem = MoviePage['items'][number];
export type Highlight = components['schemas']['Highlight'];
export type Facets = components['schemas']['Facets'];
export type FacetValue = components['schemas']['FacetValue'];
export type Movie = OkBody<operations['getMovie']>;
export type MovieHistory = OkBody<operations['getMovieHistory']>;
export type GenreList = OkBody<operations['listGenres']>;
/** A facet whose values GET /v1/facets/{facet} searches. */
export type SearchableFacet = operations['searchFacetValues']['parameters']['path']['facet'];
/** The query of GET /v1/facets/{facet}: `q`, the start of the value, and the filters of GET /v1/movies. */
export type FacetSearchQuery = QueryOf<operations['searchFacetValues']>;
/** The values found, best first, each with its number of movies under the filters. */
export type FacetValueList = OkBody<operations['searchFacetValues']>;
export type Status = OkBody<operations['getStatus']>;
/** An error answer (RFC 9457 problem details). */
export type Problem = components['schemas']['Problem'];
