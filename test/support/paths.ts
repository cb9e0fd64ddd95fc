/**
 * Where things are, for tests, benchmarks and scripts alike (bench/ imports this module too): the
 * repository, the compiled CLI, and the shared data sets kept beside the repository, never in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest folder above `from` whose package.json is cinedex's. Found rather than counted in
 * `..`s, so it is the same from test/support, from dist/test/support, or from wherever another
 * tsconfig compiles this module to.
 */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'cinedex') return dir;
    if (dirname(dir) === dir) throw new Error(`no cinedex package.json above ${from}`);
  }
}

export const repoRoot = packageRoot(fileURLToPath(new URL('.', import.meta.url)));
export const distCli = resolve(repoRoot, 'dist/src/cli/main.js');
/** The CLI as one module (scripts/bundle.ts), which `npm start` and the image run. */
export const bundledCli = resolve(repoRoot, 'dist/bundle/cli/main.js');
/** What `npm start` and the image run: the CLI from its startup snapshot when it fits, else the bundle (scripts/cinedex.sh). */
export const launcher = resolve(repoRoot, 'scripts/cinedex.sh');

/** Shared data lives beside the repo, never inside it. */
export const sharedDir = resolve(repoRoot, '../shared');
export const sharedDataDir = resolve(sharedDir, 'data/wikipedia-movie-data');
export const seedPath = resolve(sharedDataDir, 'movies.json');
export const seed2023Path = resolve(sharedDataDir, 'movies-2023.json');
/** The bench's realistic mix of GET /v1/movies request paths. */
export const benchQueriesPath = resolve(sharedDir, 'bench/queries.txt');
