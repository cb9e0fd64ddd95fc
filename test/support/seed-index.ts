import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { catalogueFromSeed } from '../../src/seed/seed-catalogue.js';
import type { Dataset } from '../../src/snapshot/catalogue-reader.js';
import { encodeSegment } from '../../src/snapshot/segment-codec.js';
import { decodeSegment } from '../../src/snapshot/segment-reader.js';
import { seedPath } from './paths.js';

let movies: Movie[] | undefined;
let index: CatalogueIndex | undefined;

const VERSION = 'seed-test';

/**
 * The real seed, loaded once per test process; its index is built on first use. Most files want only the movies, and
 * building it (1.2 s of CPU) in each of the twenty or so was 5 % of the whole suite's CPU.
 */
export function seedIndex(): { readonly movies: Movie[]; readonly index: CatalogueIndex } {
  movies ??= fromRunCache(
    'seed-movies.v8',
    () => catalogueFromSeed(JSON.parse(readFileSync(seedPath, 'utf8')) as unknown[]).movies,
    (value) => serialize(value),
    (bytes) => deserialize(bytes) as Movie[],
  );
  const loaded = movies;
  return {
    movies: loaded,
    get index() {
      return (index ??= fromRunCache(
        'seed-index.seg',
        () => CatalogueIndex.build(VERSION, loaded),
        (built) => encodeSegment((built.segments[0] as { index: SegmentIndex }).index.data, {}).bytes,
        (bytes) => CatalogueIndex.of(VERSION, [{ index: new SegmentIndex(decodeSegment(bytes).index), deletes: [] }]),
      ));
    },
  };
}

/**
 * What the first test process of a run makes, the others read back: run-tests.mjs names a folder of the run (removed
 * with it, so nothing outlives the build that made it); a file run alone builds its own. About thirty files read the
 * seed (0.8 s of CPU, against 0.1 s from here) and twenty-five index it (1.3 s, against 0.1 s from the segment): 50 s
 * of the suite's ~540 s of CPU. The index comes back through the segment codec, as a server loads a version.
 */
function fromRunCache<T>(name: string, make: () => T, encode: (value: T) => Uint8Array, decode: (bytes: Buffer) => T): T {
  const folder = process.env.CINEDEX_TEST_RUN_CACHE;
  if (!folder) return make();
  const file = join(folder, name);
  try {
    return decode(readFileSync(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = make();
  mkdirSync(folder, { recursive: true });
  // Written aside and renamed: a file started meanwhile reads a whole copy or none.
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, encode(value));
  renameSync(partial, file);
  return value;
}

/** A dataset without provenance: what a test serves when it only cares about the movies. */
export function datasetOf(index: CatalogueIndex): Dataset {
  return { index, history: () => Promise.resolve([]) };
}

/** A new version of `movies`, as a dataset. */
export function datasetFrom(version: string, movies: readonly Movie[]): Dataset {
  return datasetOf(CatalogueIndex.build(version, movies));
}
