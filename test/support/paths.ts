/**
 * Where things are, for tests, benchmarks and scripts alike (bench/ imports this module too): the
 * repository, the compiled CLI, and the shared data sets kept beside the repository, never in it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

let checkedBundle = false;

/**
 * The CLI the tests start as a child process: the bundle, which is what the image runs, and cheaper to start than
 * dist/src's ~300 module files (a `serve` to ready: 0.43 s of CPU against 0.65 s, a `search` 0.30 s against 0.37 s;
 * the suite starts dozens of them, docs/investigations/testtime.md, the CPU pass). dist/src's entry, which the npm package's `bin`
 * names, keeps tests of its own (support/cli-process.test.ts starts it). The bundle is made from dist/src by
 * `npm run build`, so a test run after `tsc` alone would start the code before the change: that is refused, once per
 * process, rather than tested.
 */
export function childCli(): string {
  if (checkedBundle) return bundledCli;
  if (!existsSync(bundledCli)) throw new Error(`${bundledCli} not found: build with npm run build, which bundles the CLI after tsc`);
  const bundled = statSync(bundledCli).mtimeMs;
  const newer = fileNewerThan(resolve(repoRoot, 'dist/src'), bundled);
  if (newer !== undefined)
    throw new Error(`${newer} is newer than the bundle the tests start (${bundledCli}): run npm run build, which bundles after tsc`);
  checkedBundle = true;
  return bundledCli;
}

/** The first compiled module found under `dir` written after `since` (ms), or undefined. */
function fileNewerThan(dir: string, since: number): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory()
      ? fileNewerThan(path, since)
      : entry.name.endsWith('.js') && statSync(path).mtimeMs > since
        ? path
        : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}
/** What `npm start` and the image run: the CLI from its startup snapshot when it fits, else the bundle (scripts/cinedex.sh). */
export const launcher = resolve(repoRoot, 'scripts/cinedex.sh');

/** Shared data lives beside the repo, never inside it. */
export const sharedDir = resolve(repoRoot, '../shared');
export const sharedDataDir = resolve(sharedDir, 'data/wikipedia-movie-data');
export const seedPath = resolve(sharedDataDir, 'movies.json');
export const seed2023Path = resolve(sharedDataDir, 'movies-2023.json');
/** The bench's realistic mix of GET /v1/movies request paths. */
export const benchQueriesPath = resolve(sharedDir, 'bench/queries.txt');
