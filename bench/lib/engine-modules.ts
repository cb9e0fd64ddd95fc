/**
 * The engine's modules of this build or of another (BENCH_BEFORE_CLI), so that a scenario can load
 * both into one process and time them side by side: each build's functions are its own, compiled
 * and optimised apart, and the two answer the same requests in the same rounds.
 */
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { searchMovies } from '../../src/engine/search.js';
import { parseListRequest, searchRequestOf } from '../../src/query/parse-query.js';

/** What the in-process scenarios read of a build. */
export interface EngineModules {
  readonly CatalogueIndex: typeof CatalogueIndex;
  readonly SegmentIndex: typeof SegmentIndex;
  readonly searchMovies: typeof searchMovies;
  readonly parseListRequest: typeof parseListRequest;
  readonly searchRequestOf: typeof searchRequestOf;
}

export const THIS_BUILD: EngineModules = { CatalogueIndex, SegmentIndex, searchMovies, parseListRequest, searchRequestOf };

/** Another build's modules, from its dist/src/cli/main.js (BENCH_BEFORE_CLI): the same files beside it. */
export async function modulesOf(cli: string): Promise<EngineModules> {
  const src = resolve(dirname(cli), '..');
  const load = (path: string) => import(pathToFileURL(resolve(src, path)).href) as Promise<Partial<EngineModules>>;
  const [catalogue, segment, search, parse] = await Promise.all([
    load('engine/catalogue-index.js'),
    load('engine/segment-index.js'),
    load('engine/search.js'),
    load('query/parse-query.js'),
  ]);
  return { ...catalogue, ...segment, ...search, ...parse } as EngineModules;
}
