import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { searchMovies } from '../../src/engine/search.js';
import { arbitraryCatalogue, arbitraryRequest, catalogueOfSize } from '../support/arbitrary-catalogue.js';
import { referenceFacet, referenceSearch, type ReferenceRequest } from '../support/reference-engine.js';
import { toSearch } from '../support/search-request.js';
import { walkPages } from '../support/walk-pages.js';

test('every page of every query, in every order, matches a full scan: each movie once, totals and facets exact', () => {
  fc.assert(
    fc.property(
      arbitraryCatalogue.chain((movies) =>
        fc.tuple(fc.constant(movies), arbitraryRequest(movies), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 6 })),
      ),
      ([movies, r, limit, facetLimit]) => {
        const index = CatalogueIndex.build('v', movies);
        const expected = referenceSearch(movies, r).map((m) => m.id);
        const request = toSearch(r, limit, { count: 'true', facets: 'genre,year,decade,cast', facet_limit: String(facetLimit) });
        const { ids, first } = walkPages(index, request, Math.ceil(expected.length / limit) + 1);
        assert.deepEqual(ids, expected, JSON.stringify(r));
        assert.equal(first.total, expected.length, 'total');
        for (const facet of ['genre', 'year', 'decade', 'cast'] as const) {
          assert.deepEqual(first.facets?.[facet], referenceFacet(movies, r, facet, facetLimit), `${facet} facet of ${JSON.stringify(r)}`);
        }
      },
    ),
    { numRuns: 600 },
  );
});

test('broad queries over hundreds of movies (the engine works differently once many movies match) page like a full scan', () => {
  fc.assert(
    fc.property(
      catalogueOfSize(150, 300).chain((movies) => fc.tuple(fc.constant(movies), arbitraryRequest(movies), fc.integer({ min: 5, max: 30 }))),
      ([movies, r, limit]) => {
        const index = CatalogueIndex.build('v', movies);
        const request: ReferenceRequest = { q: r.q ?? 'the', cast: [], genres: [], sort: 'relevance' };
        const expected = referenceSearch(movies, request).map((m) => m.id);
        const { ids } = walkPages(index, toSearch(request, limit), Math.ceil(expected.length / limit) + 1);
        assert.deepEqual(ids, expected, JSON.stringify(request));
      },
    ),
    { numRuns: 100 },
  );
});

test('words planned once and served from the word cache give the answers of a fresh lookup, under any eviction', () => {
  fc.assert(
    fc.property(
      arbitraryCatalogue.chain((movies) =>
        fc.tuple(fc.constant(movies), fc.array(arbitraryRequest(movies), { minLength: 1, maxLength: 8 }), fc.constantFrom(0, 600, 1 << 20)),
      ),
      ([movies, requests, cacheBytes]) => {
        const data = SegmentIndex.build('v', movies).data;
        const version = (segment: SegmentIndex) => CatalogueIndex.of('v', [{ index: segment, deletes: [] }]);
        // A tiny bound evicts between requests; zero caches nothing; a large one keeps every word.
        const planned = new SegmentIndex(data, { wordCacheBytes: cacheBytes });
        const cached = version(planned);
        // Each q again with its words rotated: a word planned as the last (a prefix) comes back as a whole word, and the other way round.
        const rotated = requests.map((r) =>
          r.q === undefined ? r : { ...r, q: [...r.q.split(' ').slice(1), r.q.split(' ')[0]].join(' ') },
        );
        for (const r of [...requests, ...rotated, ...requests]) {
          const request = toSearch(r, 5, { count: 'true', facets: 'genre,cast', highlight: 'true' });
          const fresh = searchMovies(version(new SegmentIndex(data, { wordCacheBytes: 0 })), request);
          assert.deepEqual(searchMovies(cached, request), fresh, JSON.stringify(r));
        }
        if (cacheBytes === 0) assert.equal(planned.wordPlanner.plans.size, 0);
        else if (cacheBytes === 1 << 20 && requests.some((r) => r.q !== undefined)) assert.ok(planned.wordPlanner.plans.size > 0);
      },
    ),
    { numRuns: 300 },
  );
});
