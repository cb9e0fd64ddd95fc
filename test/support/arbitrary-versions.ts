import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex, type SegmentEntry } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { CAST, catalogueOfSize, GENRES } from './arbitrary-catalogue.js';
import { deltaEntry } from './version-pages.js';

/**
 * Random versions of 2 to 6 deltas over a base of a random catalogue's first movies (changed cast and
 * genres, deletions, resurrections), each with its reference: one segment of its live movies.
 */
interface Change {
  readonly at: number;
  readonly deleted: boolean;
  readonly cast: readonly string[] | null;
  readonly genres: readonly string[] | null;
}

const change: fc.Arbitrary<Change> = fc.record({
  at: fc.nat(),
  deleted: fc.boolean(),
  cast: fc.option(fc.uniqueArray(fc.constantFrom(...CAST), { maxLength: 3 })),
  genres: fc.option(fc.uniqueArray(fc.constantFrom(...GENRES), { maxLength: 2 })),
});

export interface Built {
  readonly pool: readonly Movie[];
  readonly catalogue: CatalogueIndex;
  readonly reference: CatalogueIndex;
}

/** A base of the pool's first `baseSize` movies, then one delta per list of changes (the last change of an id winning). */
function built(pool: readonly Movie[], baseSize: number, deltas: readonly (readonly Change[])[]): Built {
  const live = new Map(pool.slice(0, baseSize).map((m) => [m.id, m]));
  const entries: SegmentEntry[] = [{ index: SegmentIndex.build('base', pool.slice(0, baseSize)), deletes: [] }];
  deltas.forEach((changes, d) => {
    const last = new Map<string, Movie | null>();
    for (const c of changes) {
      const movie = pool[c.at % pool.length] as Movie;
      last.set(movie.id, c.deleted ? null : { ...movie, cast: c.cast ?? movie.cast, genres: c.genres ?? movie.genres });
    }
    entries.push(deltaEntry(`delta${d}`, last, live));
  });
  return { pool, catalogue: CatalogueIndex.of('v', entries), reference: CatalogueIndex.build('v', [...live.values()]) };
}

export const versions: fc.Arbitrary<Built> = catalogueOfSize(1, 40).chain((pool) =>
  fc
    .tuple(fc.integer({ min: 0, max: pool.length }), fc.array(fc.array(change, { maxLength: 10 }), { minLength: 2, maxLength: 6 }))
    .map(([baseSize, deltas]) => built(pool, baseSize, deltas)),
);

/**
 * A version and values drawn for it (requests from its pool, picks, flags) as one tuple, for properties over a
 * version: `versionAnd((v) => fc.tuple(a, b))` draws `[v, a, b]`.
 */
export function versionAnd<T extends unknown[]>(draw: (version: Built) => fc.Arbitrary<T>): fc.Arbitrary<[Built, ...T]> {
  return versions.chain((v) => draw(v).map((drawn): [Built, ...T] => [v, ...drawn]));
}
