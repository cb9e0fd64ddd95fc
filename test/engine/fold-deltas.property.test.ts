import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex, type SegmentEntry } from '../../src/engine/catalogue-index.js';
import { foldDeltas } from '../../src/engine/fold-deltas.js';
import { titleTerms } from '../../src/engine/plan.js';
import type { After, SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { lookup } from '../../src/engine/string-table.js';
import { arbitraryRequest, CAST, catalogueOfSize, GENRES } from '../support/arbitrary-catalogue.js';
import { toSearch } from '../support/search-request.js';
import { cursorAfter, deltaEntry, seen } from '../support/version-pages.js';

/**
 * A version's deltas folded into one (fold-deltas.ts) must answer as the version and as one segment
 * of its live movies (the reference), page by page, and a cursor of the version must keep walking
 * on the folded one; a delta's filter terms read from the version's maps (segment-mask.ts) must be
 * the ids its own dictionaries give.
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

interface Built {
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

const versions: fc.Arbitrary<Built> = catalogueOfSize(1, 40).chain((pool) =>
  fc
    .tuple(fc.integer({ min: 0, max: pool.length }), fc.array(fc.array(change, { maxLength: 10 }), { minLength: 2, maxLength: 6 }))
    .map(([baseSize, deltas]) => built(pool, baseSize, deltas)),
);

test('deltas folded into one answer every request, page by page, as the version and as one segment of its live movies', () => {
  fc.assert(
    fc.property(
      versions.chain((v) =>
        fc.tuple(fc.constant(v), fc.array(arbitraryRequest(v.pool), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 4 })),
      ),
      ([v, requests, limit]) => {
        const folded = foldDeltas(v.catalogue);
        assert.equal(folded.segments.length, 2);
        assert.equal(folded.size, v.reference.size);
        for (const r of requests) {
          const request = toSearch(r, limit, { count: 'true', facets: 'genre,year,cast', highlight: 'true' });
          // The folded version walks on from the version's cursor: the pages alternate between the two.
          let after: { version?: After; folded?: After; reference?: After } = {};
          for (let page = 1; page <= 30; page++) {
            const at = (a: After | undefined): SearchRequest => (a === undefined ? request : { ...request, after: a });
            const fromFolded = page % 2 === 0;
            const got = fromFolded ? searchMovies(folded, at(after.version)) : searchMovies(v.catalogue, at(after.folded));
            const want = searchMovies(v.reference, at(after.reference));
            const label = `${JSON.stringify(r)}, page ${page}`;
            assert.deepEqual(seen(fromFolded ? folded : v.catalogue, got), seen(v.reference, want), label);
            if (!got.hasMore) break;
            const cursor = cursorAfter(fromFolded ? folded : v.catalogue, got);
            after = { version: cursor, folded: cursor, reference: cursorAfter(v.reference, want) };
          }
        }
      },
    ),
    { numRuns: 200 },
  );
});

test("a delta's filter terms, read from the version's maps, are the ids its own dictionaries give, -1 where it lacks one", () => {
  fc.assert(
    fc.property(
      versions.chain((v) => fc.tuple(fc.constant(v), arbitraryRequest(v.pool))),
      ([v, r]) => {
        const { query } = toSearch(r, 10);
        const title = query.title === undefined ? undefined : titleTerms(query.title);
        const match = v.catalogue.masks.match(query, title);
        v.catalogue.segments.forEach(({ index }, s) => {
          const { ids } = match.terms(s);
          if (s === 0 || ids === undefined) return;
          const { cast, genres, grams } = index.data;
          assert.deepEqual(
            ids,
            {
              cast: query.cast.map((name) => lookup(cast.terms, name)),
              genres: query.genres.map((name) => lookup(genres.terms, name)),
              grams: (title?.grams ?? []).map((gram) => lookup(grams.terms, gram)),
            },
            `segment ${s}`,
          );
        });
      },
    ),
    { numRuns: 300 },
  );
});
