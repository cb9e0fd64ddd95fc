import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root, whether running from `test/support` or from compiled `dist/test/support`. */
const here = fileURLToPath(new URL('.', import.meta.url));
export const repoRoot = here.includes('/dist/') ? resolve(here, '../../..') : resolve(here, '../..');

/** Shared data lives beside the repo, never inside it. */
export const sharedDataDir = resolve(repoRoot, '../shared/data/wikipedia-movie-data');
export const seedPath = resolve(sharedDataDir, 'movies.json');
export const seed2023Path = resolve(sharedDataDir, 'movies-2023.json');
export const benchQueriesPath = resolve(repoRoot, '../shared/bench/queries.txt');
export const distCli = resolve(repoRoot, 'dist/src/cli/main.js');
