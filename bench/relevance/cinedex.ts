/**
 * cinedex's own `q` as a relevance contender: the request goes through the same parser and engine as
 * GET /v1/movies?q=…, so the score is the score of the API.
 */
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { searchMovies } from '../../src/engine/search.js';
import { engineRequest } from '../lib/in-process.js';
import { PAGE_SIZE } from './baselines.js';
import type { Ranked, Search } from './evaluate.js';

export function cinedexContender(movies: readonly Movie[]): Search {
  const index = CatalogueIndex.build('relevance', movies);
  return (q) =>
    searchMovies(index, engineRequest({ q, limit: String(PAGE_SIZE) })).ranks.map((rank): Ranked => {
      const movie = index.movie(rank);
      return { title: movie.title, year: movie.year };
    });
}
