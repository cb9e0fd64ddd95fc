import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { foldDeltas, foldedEntries, type DeltaFold } from '../../src/engine/delta-fold.js';
import type { After, SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { arbitraryRequest } from '../support/arbitrary-catalogue.js';
import { versionAnd, versions } from '../support/arbitrary-versions.js';
import { toSearch } from '../support/search-request.js';
import { cursorAfter, seen } from '../support/version-pages.js';

/**
 * A version whose deltas a loader folded one version at a time (each new delta onto the fold of the
 * version before, delta-fold.ts) must answer as the same version read delta by delta and as one
 * segment of its live movies (the reference), page by page, and a cursor of the unfolded version
 * must keep walking on the folded one and back.
 */
test('deltas folded version by version answer every request, page by page, as the version unfolded and as one segment', () => {
  fc.assert(
    fc.property(
      versionAnd((v) =>
        fc.tuple(
          fc.array(arbitraryRequest(v.pool), { minLength: 1, maxLength: 3 }),
          fc.integer({ min: 1, max: 4 }),
          // Where the loader's chain of versions started: a fold from scratch over this many deltas, then one more per version.
          fc.integer({ min: 2, max: 6 }),
        ),
      ),
      ([v, requests, limit, firstFold]) => {
        const entries = v.catalogue.segments;
        let fold: DeltaFold | undefined;
        for (let n = Math.min(firstFold, entries.length - 1); n < entries.length; n++) {
          const next = foldDeltas(entries.slice(0, n + 1), fold);
          assert.ok(next !== undefined);
          if (fold !== undefined) assert.equal(next.entry === fold.entry, false, 'a new delta makes a new fold');
          fold = next;
        }
        assert.equal(foldDeltas(entries, fold), fold, 'a version whose deltas are all folded reuses the fold');
        const folded = CatalogueIndex.of('v', foldedEntries(entries, fold));
        assert.equal(folded.segments.length, 2);
        assert.equal(folded.size, v.reference.size);
        for (const r of requests) {
          const request = toSearch(r, limit, { count: 'true', facets: 'genre,year,cast', highlight: 'true' });
          let after: { version?: After; reference?: After } = {};
          for (let page = 1; page <= 30; page++) {
            const at = (a: After | undefined): SearchRequest => (a === undefined ? request : { ...request, after: a });
            // The pages alternate between the folded and the unfolded version, each walking on from the other's cursor.
            const index = page % 2 === 0 ? folded : v.catalogue;
            const got = searchMovies(index, at(after.version));
            const want = searchMovies(v.reference, at(after.reference));
            assert.deepEqual(seen(index, got), seen(v.reference, want), `${JSON.stringify(r)}, page ${page}`);
            if (!got.hasMore) break;
            after = { version: cursorAfter(index, got), reference: cursorAfter(v.reference, want) };
          }
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('a fold starts again over a new base, and deltas past the bound are left unfolded', () => {
  fc.assert(
    fc.property(versions, (v) => {
      const entries = v.catalogue.segments;
      const fold = foldDeltas(entries);
      assert.ok(fold !== undefined);
      const [base, ...deltas] = entries;
      assert.ok(base !== undefined);
      // A compaction's new base: the old fold covers the same deltas but not this base.
      const rebased = [{ index: deltas[0]?.index ?? base.index, deletes: [] }, ...deltas];
      const again = foldDeltas(rebased, fold);
      assert.ok(again !== undefined && again.entry !== fold.entry && again.base === rebased[0]?.index);
      const movies = deltas.reduce((n, d) => n + d.index.size, 0);
      assert.ok(foldDeltas(entries, undefined, movies) !== undefined);
      if (movies > 0) assert.equal(foldDeltas(entries, undefined, movies - 1), undefined);
    }),
    { numRuns: 100 },
  );
});
