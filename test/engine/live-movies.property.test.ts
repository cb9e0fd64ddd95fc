import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { buildIndex } from '../../src/engine/build/build-index.js';
import { liveMovies, mergeInput } from '../../src/engine/build/live-movies.js';
import type { SegmentEntry } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { encodeSegment } from '../../src/snapshot/segment-codec.js';
import { CAST, catalogueOfSize, GENRES } from '../support/arbitrary-catalogue.js';

/**
 * A compaction streams the live movies of a base and its deltas into the builder, one at a time
 * (engine/build/live-movies.ts); the segment it writes must be byte for byte the segment built from
 * scratch out of the same live movies, found here the plainest way: every segment's puts and
 * deletes applied oldest first to a map by id.
 */

interface Put {
  readonly at: number;
  /** Deleted, or put again with other cast and genres and maybe the title in capitals (same id, another place in the order). */
  readonly deleted: boolean;
  readonly cast: readonly string[];
  readonly genres: readonly string[];
  readonly shout: boolean;
}

const put: fc.Arbitrary<Put> = fc.record({
  at: fc.nat(),
  deleted: fc.boolean(),
  cast: fc.uniqueArray(fc.constantFrom(...CAST), { maxLength: 3 }),
  genres: fc.uniqueArray(fc.constantFrom(...GENRES), { maxLength: 2 }),
  shout: fc.boolean(),
});

const history = catalogueOfSize(1, 40).chain((pool) =>
  fc.record({
    pool: fc.constant(pool),
    baseSize: fc.integer({ min: 0, max: pool.length }),
    deltas: fc.array(fc.array(put, { maxLength: 10 }), { maxLength: 5 }),
    // As a compaction reads them (only the arrays a merge reads kept), or whole.
    asMergeInput: fc.boolean(),
  }),
);

test('the live movies of a base and deltas build the same bytes as a from-scratch build of them, and keep the deletions', () => {
  fc.assert(
    fc.property(history, ({ pool, baseSize, deltas, asMergeInput }) => {
      const segment = (version: string, movies: readonly Movie[]) => {
        const index = SegmentIndex.build(version, movies);
        return asMergeInput ? new SegmentIndex(mergeInput(index.data)) : index;
      };
      const base = pool.slice(0, baseSize);
      const entries: SegmentEntry[] = [{ index: segment('base', base), deletes: [] }];
      const model = new Map<string, Movie | null>(base.map((m) => [m.id, m]));
      deltas.forEach((changes, d) => {
        const last = new Map<string, Movie | null>();
        for (const c of changes) {
          const movie = pool[c.at % pool.length] as Movie;
          const title = c.shout ? movie.title.toUpperCase() : movie.title;
          last.set(movie.id, c.deleted ? null : { ...movie, title, cast: c.cast, genres: c.genres });
        }
        const puts: Movie[] = [];
        const deletes: string[] = [];
        for (const [id, movie] of last) {
          if (movie === null) deletes.push(id);
          else puts.push(movie);
          model.set(id, movie);
        }
        entries.push({ index: segment(`delta${d}`, puts), deletes });
      });
      const merged = liveMovies(entries);
      const live = [...model.values()].filter((m): m is Movie => m !== null);
      const deleted = [...model].filter(([, m]) => m === null).map(([id]) => id);
      const meta = { kind: 'base', sequence: 2, deletes: [] };
      assert.equal(merged.movies.size, live.length);
      assert.deepEqual(
        encodeSegment(buildIndex('compacted', merged.movies), meta).bytes,
        encodeSegment(buildIndex('compacted', live), meta).bytes,
      );
      assert.deepEqual(merged.deletes, deleted.sort());
    }),
    { numRuns: 200 },
  );
});
