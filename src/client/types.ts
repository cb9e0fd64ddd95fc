import type { components, operations } from './openapi.js';

/**
 * The client's types, each taken from the generated OpenAPI types (openapi.ts) rather than written
 * again: a parameter or field the server's document gains arrives here with `npm run client:types`.
 */
type JsonOf<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;
type OkBody<Operation> = Operation extends { responses: { 200: infer Response } } ? JsonOf<Response> : never;
type QueryOf<Operation> = Operation extends { parameters: { query?: infer Query } } ? NonNullable<Query> : never;

/** Every query parameter of GET /v1/movies; repeatable ones (cast, genre) are arrays. */
export type ListMoviesQuery = QueryOf<operations['listMovies']>;
/** One page of GET /v1/movies. */
export type MoviePage = OkBody<operations['listMovies']>;
/** One item of a page: a movie, with whatever the search adds to it. */
export type MoviePageItem = MoviePage['items'][number];
export type Movie = OkBody<operations['getMovie']>;
export type MovieHistory = OkBody<operations['getMovieHistory']>;
export type GenreList = OkBody<operations['listGenres']>;
export type Status = OkBody<operations['getStatus']>;
/** An error answer (RFC 9457 problem details). */
export type Problem = components['schemas']['Problem'];
