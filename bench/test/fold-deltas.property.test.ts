import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { After, SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { arbitraryRequest } from '../../test/support/arbitrary-catalogue.js';
import { versions } from '../../test/support/arbitrary-versions.js';
import { toSearch } from '../../test/support/search-request.js';
import { cursorAfter, seen } from '../../test/support/version-pages.js';
import { foldDeltas } from '../engine/fold-deltas.js';

/**
 * A version's deltas folded into one (bench/engine/fold-deltas.ts, the experiment bench/engine/deltas.ts
 * measures) must answer as the version and as one segment of its live movies (the reference), page by
 * page, and a cursor of the version must keep walking on the folded one.
 */
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
