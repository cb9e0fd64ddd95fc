import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import type { After, Page, SearchRequest } from '../../src/engine/search-request.js';
import { searchMovies } from '../../src/engine/search.js';
import { arbitraryCatalogue, arbitraryRequest, catalogueOfSize } from '../support/arbitrary-catalogue.js';
import { catalogueOrder, referenceFacet, referenceSearch, type ReferenceRequest } from '../support/reference-engine.js';
import { toSearch } from '../support/search-request.js';
import { seedPath } from '../support/paths.js';
import { seedIndex } from '../support/seed-index.js';

/** Follows the keyset from page to page, as a client follows next_cursor, and returns every id in the order served. */
function walk(index: CatalogueIndex, request: SearchRequest, maxPages: number): { ids: string[]; first: Page } {
  const ids: string[] = [];
  let after: After | undefined;
  let first: Page | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = searchMovies(index, after ? { ...request, after } : request);
    first ??= page;
    assert.ok(page.ranks.length <= request.limit);
    for (const rank of page.ranks) ids.push(index.idOf(rank));
    if (!page.hasMore) return { ids, first };
    assert.equal(page.ranks.length, request.limit, 'a page with has_more is full');
    const last = page.ranks.length - 1;
    const relevance = page.relevance?.[last];
    after =
      relevance === undefined
        ? { position: index.positionOf(page.ranks[last] as number) }
        : { position: index.positionOf(page.ranks[last] as number), relevance };
  }
  return { ids, first: first as Page };
}

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
        const { ids, first } = walk(index, request, Math.ceil(expected.length / limit) + 1);
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
        const { ids } = walk(index, toSearch(request, limit), Math.ceil(expected.length / limit) + 1);
        assert.deepEqual(ids, expected, JSON.stringify(request));
      },
    ),
    { numRuns: 100 },
  );
});

const { movies: seed, index } = seedIndex();

test('on the seed, queries built from its own titles and cast agree with a full scan, first page and totals', () => {
  const withCast = seed.filter((m) => m.cast.length > 0);
  const typedTitle = fc.tuple(fc.nat(seed.length - 1), fc.nat(3)).map(([i, cut]) => {
    const words = (seed[i] as Movie).title.split(/\s+/);
    return words.slice(0, Math.max(1, words.length - cut)).join(' ');
  });
  const castAndTitle = fc.tuple(fc.nat(withCast.length - 1), fc.nat(9)).map(([i, k]) => {
    const m = withCast[i] as Movie;
    return `${(m.cast[k % m.cast.length] as string).split(' ').at(-1)} ${m.title.split(' ')[0]}`;
  });
  fc.assert(
    fc.property(
      fc.oneof(typedTitle, castAndTitle),
      fc.constantFrom('relevance', 'year:asc', 'title:desc') as fc.Arbitrary<ReferenceRequest['sort']>,
      (q, sort) => {
        const r: ReferenceRequest = { q, cast: [], genres: [], sort };
        const expected = referenceSearch(seed, r)
          .slice(0, 10)
          .map((m) => m.id);
        const page = searchMovies(index, toSearch(r, 10, { count: 'true' }));
        assert.deepEqual(
          page.ranks.map((rank) => index.idOf(rank)),
          expected,
          q,
        );
      },
    ),
    { numRuns: 12 },
  );
});

test('the unfiltered catalogue pages through all 28,795 movies in catalogue order', () => {
  const { ids } = walk(index, toSearch({ cast: [], genres: [], sort: 'year:desc' }, 100), 1000);
  assert.equal(ids.length, 28_795);
  assert.deepEqual(
    ids,
    [...seed].sort(catalogueOrder).map((m) => m.id),
  );
});

test('a keyset position that names no movie still resumes in order', () => {
  const sorted = [...seed].sort(catalogueOrder);
  fc.assert(
    fc.property(fc.nat(seed.length - 1), fc.boolean(), (i, bump) => {
      const movie = seed[i] as Movie;
      // A position between two real movies, as after a reload that removed the last movie seen.
      const position = { year: movie.year, title: bump ? `${movie.title}\u0000` : movie.title, id: bump ? '' : movie.id };
      const page = searchMovies(index, { ...toSearch({ cast: [], genres: [], sort: 'year:desc' }, 5), after: { position } });
      const at = { ...position, cast: [], genres: [] };
      const expected = sorted
        .filter((m) => catalogueOrder(m, at) > 0)
        .slice(0, 5)
        .map((m) => m.id);
      assert.deepEqual(
        page.ranks.map((r) => index.idOf(r)),
        expected,
      );
    }),
    { numRuns: 200 },
  );
});

test('per-year and per-genre counts equal counts taken straight from the raw seed file', () => {
  const raw = JSON.parse(readFileSync(seedPath, 'utf8')) as { year: number; genres: string[] }[];
  const perYear = new Map<number, number>();
  for (const r of raw) perYear.set(r.year, (perYear.get(r.year) ?? 0) + 1);
  const page = searchMovies(
    index,
    toSearch({ cast: [], genres: [], sort: 'year:desc' }, 1, { facets: 'year', facet_limit: '100', count: 'true' }),
  );
  assert.equal(page.total, raw.length);
  for (const { value, count } of page.facets?.year ?? []) assert.equal(count, perYear.get(value as number), `year ${value}`);
  const drama = searchMovies(index, toSearch({ cast: [], genres: ['drama'], sort: 'year:desc' }, 1, { count: 'true' }));
  assert.equal(drama.total, raw.filter((r) => r.genres.includes('Drama')).length);
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
