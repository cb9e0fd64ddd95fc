import { readFileSync } from 'node:fs';
import type { Movie } from '../../src/catalogue/movie.js';
import { catalogueFromSeed } from '../../src/catalogue/seed-catalogue.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { seedPath } from './paths.js';

let cached: { movies: Movie[]; index: CatalogueIndex } | undefined;

/** The real seed, loaded and indexed once per test process. */
export function seedIndex(): { movies: Movie[]; index: CatalogueIndex } {
  if (!cached) {
    const { movies } = catalogueFromSeed(JSON.parse(readFileSync(seedPath, 'utf8')) as unknown[]);
    cached = { movies, index: CatalogueIndex.build('seed-test', movies) };
  }
  return cached;
}
