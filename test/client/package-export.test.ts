import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../support/paths.js';

/**
 * `cinedex/client` as another project sees it: the package linked into a fresh node_modules, its
 * types found through package.json "exports" (compiled .d.ts, not our sources) and checked strictly,
 * and its JavaScript imported by node.
 */
function consumerProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules/cinedex'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  return dir;
}

const CONSUMER = `import { Cinedex, CinedexApiError, type FacetValue, type ListMoviesQuery, type Movie, type MoviePage } from 'cinedex/client';

const client = new Cinedex({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'k', timeoutMs: 5000 });
const query: ListMoviesQuery = { title: 'matrix', year: 1999, cast: ['Keanu Reeves'], genre: ['Action'], limit: 10, cursor: 'c' };
export async function use(): Promise<string[]> {
  const page: MoviePage = await client.search(query, { signal: AbortSignal.timeout(1000) });
  const movie: Movie = await client.movie(page.items[0]?.id ?? '');
  for await (const p of client.pages({ genre: ['Drama'] })) void p.next_cursor;
  const found = await client.search({ q: 'matrx', sort: 'year:asc', year_from: 1990, year_to: 2005, facets: ['genre', 'decade'], facet_limit: 5, count: true, highlight: true });
  const total: number | undefined = found.total;
  const genres: readonly FacetValue[] = found.facets?.genre ?? [];
  const marks: [number, number][] = found.items[0]?._highlight?.title ?? [];
  void [total, genres, marks, await client.search({ facets: 'genre,cast' })];
  try {
    await client.history(movie.id);
  } catch (error) {
    if (error instanceof CinedexApiError) return [error.title, error.detail, error.parameter ?? '', String(error.status)];
  }
  return [(await client.status()).version, String((await client.genres()).items[0]?.count)];
}
// @ts-expect-error year is a number
export const badYear: ListMoviesQuery = { year: '1999' };
// @ts-expect-error cast repeats: an array
export const badCast: ListMoviesQuery = { cast: 'Keanu Reeves' };
// @ts-expect-error no such parameter
export const unknown: ListMoviesQuery = { director: 'Wachowski' };
// @ts-expect-error sort is one of the orders
export const badSort: ListMoviesQuery = { sort: 'rating' };
// @ts-expect-error facets are genre, year, decade and cast
export const badFacet: ListMoviesQuery = { facets: ['genre', 'rating'] };
`;

test('a TypeScript project importing cinedex/client gets the compiled declarations, and they type every parameter', () => {
  const dir = consumerProject();
  const file = join(dir, 'consumer.ts');
  writeFileSync(file, CONSUMER);
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    strict: true,
    noEmit: true,
    types: [],
  };
  const program = ts.createProgram([file], options);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(problems, []);
  const resolved = ts.resolveModuleName('cinedex/client', file, options, ts.sys).resolvedModule?.resolvedFileName;
  assert.equal(resolved, join(repoRoot, 'dist/src/client/index.d.ts'), 'resolved through "exports" to the built declarations');
});

test('node imports cinedex/client as an ES module; other paths of the package are not exported', () => {
  const dir = consumerProject();
  const script = `import { Cinedex, CinedexTimeoutError } from 'cinedex/client';
const client = new Cinedex({ baseUrl: 'http://127.0.0.1:1/' });
console.log(typeof client.search, typeof client.pages, CinedexTimeoutError.name);
await import('cinedex/dist/src/http/server.js').then(() => console.log('deep import allowed'), (e) => console.log(e.code));`;
  writeFileSync(join(dir, 'use.mjs'), script);
  const run = spawnSync(process.execPath, ['use.mjs'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n'), ['function function CinedexTimeoutError', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);
});
