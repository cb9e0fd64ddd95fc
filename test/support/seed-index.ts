import { readFileSync } from 'node:fs';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { catalogueFromSeed } from '../../src/seed/seed-catalogue.js';
import type { Dataset } from '../../src/snapshot/catalogue-reader.js';
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

/** A dataset without provenance: what a test serves when it only cares about the movies. */
export function datasetOf(index: CatalogueIndex): Dataset {
  return { index, history: () => Promise.resolve([]) };
}

/** A new version of `movies`, as a dataset. */
export function datasetFrom(version: string, movies: readonly Movie[]): Dataset {
  return datasetOf(CatalogueIndex.build(version, movies));
}
