import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex, type SegmentEntry } from '../../src/engine/catalogue-index.js';
import { inMask } from '../../src/engine/segment-mask.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { arbitraryRequest, catalogueOfSize } from '../support/arbitrary-catalogue.js';
import { referenceKey, referenceQ, referenceRank } from '../support/reference-engine.js';
import { extractCollection } from '../support/reference-extract.js';
import { toSearch } from '../support/search-request.js';

/**
 * The deltas a version plans for `q` (SegmentMasks.words, segment-mask.ts) must include every delta
 * where the reference search finds a movie matching every word (`every`) or at least one (`some`):
 * a delta left out is never searched, so a missed bit loses its matches, full or partial.
 */
test('the words mask of a version keeps every delta holding a movie that matches all, or some, of the words of q', () => {
  fc.assert(
    fc.property(
      catalogueOfSize(2, 30).chain((pool) =>
        fc.tuple(
          fc.constant(pool),
          // Where the base ends and each delta ends: the pool cut into the base and up to four deltas.
          fc
            .uniqueArray(fc.integer({ min: 0, max: pool.length }), { minLength: 1, maxLength: 5 })
            .map((cuts) => cuts.sort((a, b) => a - b)),
          fc.array(
            arbitraryRequest(pool).map((r) => r.q ?? 'x'),
            { minLength: 1, maxLength: 4 },
          ),
        ),
      ),
      ([pool, cuts, queries]) => {
        const bounds = [0, ...cuts, pool.length];
        const parts: Movie[][] = [];
        for (let i = 0; i + 1 < bounds.length; i++) parts.push(pool.slice(bounds[i], bounds[i + 1]));
        const entries: SegmentEntry[] = parts.map((movies, s) => ({ index: SegmentIndex.build(`s${s}`, movies), deletes: [] }));
        const catalogue = CatalogueIndex.of('v', entries);
        for (const typed of queries) {
          const words = toSearch({ q: typed, cast: [], genres: [], sort: 'relevance' }, 10).query.q ?? [];
          const masks = catalogue.masks.words(words);
          assert.ok(inMask(masks.every, 0) && inMask(masks.some, 0), 'the base is always planned');
          assert.equal(masks.every & ~masks.some, 0, 'a delta matching every word matches some');
          // The words as the reference reads them, without the phrases' and exclusions' checks, which only narrow.
          const q = words.join(' ');
          const n = referenceQ(q).words.length;
          parts.forEach((movies, s) => {
            if (s === 0 || n === 0) return;
            const collection = extractCollection(movies);
            const every = movies.some((m) => referenceRank(q, m, collection) !== undefined);
            const some = every || movies.some((m) => referenceKey(q, m, n - 1) !== undefined);
            if (every) assert.ok(inMask(masks.every, s), `${JSON.stringify(typed)}: delta ${s} has a movie matching every word`);
            if (some) assert.ok(inMask(masks.some, s), `${JSON.stringify(typed)}: delta ${s} has a movie matching a word`);
          });
        }
      },
    ),
    { numRuns: 200 },
  );
});
