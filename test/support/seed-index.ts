import { readFileSync } from 'node:fs';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { catalogueFromSeed } from '../../src/seed/seed-catalogue.js';
import type { Dataset } from '../../src/snapshot/catalogue-reader.js';
import { seedPath } from './paths.js';

let movies: Movie[] | undefined;
let index: CatalogueIndex | undefined;

/**
 * The real seed, loaded once per test process; its index is built on first use. Most files want only the movies, and
 * building it (1.2 s of CPU) in each of the twenty or so was 5 % of the whole suite's CPU.
 */
export function seedIndex(): { readonly movies: Movie[]; readonly index: CatalogueIndex } {
  movies ??= catalogueFromSeed(JSON.parse(readFileSync(seedPath, 'utf8')) as unknown[]).movies;
  const loaded = movies;
  return {
    movies: loaded,
    get index() {
      return (index ??= CatalogueIndex.build('seed-test', loaded));
    },
  };
}

/** A dataset without provenance: what a test serves when it only cares about the movies. */
export function datasetOf(index: CatalogueIndex): Dataset {
  return { index, history: () => Promise.resolve([]) };
}

/** A new version of `movies`, as a dataset. */
export function datasetFrom(version: string, movies: readonly Movie[]): Dataset {
  return datasetOf(CatalogueIndex.build(version, movies));
}
