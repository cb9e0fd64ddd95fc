import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogueFromSeed } from '../src/seed/seed-catalogue.js';
import type { Movie } from '../src/catalogue/movie.js';

export const repoRoot = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  fileURLToPath(import.meta.url).includes('/dist/') ? '../..' : '..',
);
export const sharedDir = resolve(repoRoot, '../shared');
export const seedFile = resolve(sharedDir, 'data/wikipedia-movie-data/movies.json');
export const seed2023File = resolve(sharedDir, 'data/wikipedia-movie-data/movies-2023.json');

/** The shared realistic mix: 3,000 request paths for GET /v1/movies. */
export function benchPaths(): string[] {
  return readFileSync(resolve(sharedDir, 'bench/queries.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('/'));
}

export function loadMovies(file = seedFile): Movie[] {
  return catalogueFromSeed(JSON.parse(readFileSync(file, 'utf8')) as unknown[]).movies;
}
