/** What the scenarios measure with: the shared query mix and the seed catalogue, read from ../shared beside the repository. */
import { readFileSync } from 'node:fs';
import type { Movie } from '../../src/catalogue/movie.js';
import { catalogueFromSeed } from '../../src/seed/seed-catalogue.js';
import { benchQueriesPath, seedPath } from '../../test/support/paths.js';

/** The shared realistic mix: 3,000 request paths for GET /v1/movies. */
export function benchPaths(): string[] {
  return readFileSync(benchQueriesPath, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('/'));
}

export function loadMovies(file = seedPath): Movie[] {
  return catalogueFromSeed(JSON.parse(readFileSync(file, 'utf8')) as unknown[]).movies;
}
