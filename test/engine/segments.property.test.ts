import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex, type SegmentEntry } from '../../src/engine/catalogue-index.js';
import type { After, SearchRequest } from '../../src/engine/search-request.js';
import { searchFacetValues } from '../../src/engine/facet-search.js';
import { searchMovies } from '../../src/engine/search.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { arbitraryRequest, CAST, catalogueOfSize, GENRES } from '../support/arbitrary-catalogue.js';
import { referenceWords, type ReferenceRequest } from '../support/reference-engine.js';
import { filterParams, toSearch } from '../support/search-request.js';
import { cursorAfter, deltaEntry, seen } from '../support/version-pages.js';
import { parseFacetSearch } from '../../src/query/parse-facet-search.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * A version made of a base segment and deltas must answer every request exactly as one segment
 * built from its live movies: the reference here is CatalogueIndex.build over those movies, which
 * the other engine tests hold to a full scan.
 */

/** One change of a delta: a movie of the pool put (added, updated, or brought back) or deleted. */
interface Change {
  readonly at: number;
  readonly deleted: boolean;
  readonly cast: readonly string[] | null;
  readonly genres: readonly string[] | null;
  /** The title re-spelled in capitals: the same key and id, another position and spelling. */
  readonly shout: boolean;
}

interface History {
  /** Every movie that can appear; the base is its first `baseSize`. */
  readonly pool: readonly Movie[];
  readonly baseSize: number;
  readonly deltas: readonly (readonly Change[])[];
}

const change = (castNames: readonly string[]): fc.Arbitrary<Change> =>
  fc.record({
    at: fc.nat(),
    deleted: fc.boolean(),
    cast: fc.option(fc.uniqueArray(fc.constantFrom(...castNames), { maxLength: 4 })),
    genres: fc.option(fc.uniqueArray(fc.constantFrom(...GENRES), { maxLength: 2 })),
    shout: fc.boolean(),
  });

function histories(pool: fc.Arbitrary<Movie[]>, castNames: readonly string[], maxDeltas: number): fc.Arbitrary<History> {
  return pool.chain((movies) =>
    fc.record({
      pool: fc.constant(movies),
      baseSize: fc.integer({ min: 0, max: movies.length }),
      deltas: fc.array(fc.array(change(castNames), { maxLength: 12 }), { maxLength: maxDeltas }),
    }),
  );
}

interface Version {
  readonly catalogue: CatalogueIndex;
  /** The same movies as one segment. */
  readonly reference: CatalogueIndex;
}

/** The versions after the base and after each delta: each delta's segment holds its puts, the last change of an id winning. */
function versions(h: History, base = SegmentIndex.build('base', h.pool.slice(0, h.baseSize))): Version[] {
  const live = new Map(h.pool.slice(0, h.baseSize).map((m) => [m.id, m]));
  const entries: SegmentEntry[] = [{ index: base, deletes: [] }];
  const out: Version[] = [];
  const publish = (): void => {
    const version = `v${entries.length}`;
    const movies = [...live.values()];
    let reference: CatalogueIndex | undefined;
    // Built when a test reads it: a test over the seed reads the last of twenty versions only.
    out.push({
      catalogue: CatalogueIndex.of(version, [...entries]),
      get reference() {
        reference ??= CatalogueIndex.build(version, movies);
        return reference;
      },
    });
  };
  publish();
  h.deltas.forEach((changes, d) => {
    const last = new Map<string, Movie | null>();
    for (const c of changes) {
      const movie = h.pool[c.at % h.pool.length] as Movie;
      last.set(
        movie.id,
        c.deleted
          ? null
          : {
              ...movie,
              title: c.shout ? movie.title.toUpperCase() : movie.title,
              cast: c.cast ?? movie.cast,
              genres: c.genres ?? movie.genres,
            },
      );
    }
    entries.push(deltaEntry(`delta${d}`, last, live));
    publish();
  });
  return out;
}

/** assert.deepEqual's diff (which answer differed) with `where` (which request and page) before it: a message alone replaces the diff. */
function sameAnswer(actual: unknown, expected: unknown, where: string): void {
  try {
    assert.deepEqual(actual, expected);
  } catch (error) {
    // A new error, not the message changed: fast-check reports the stack, which was written with the old message.
    if (!(error instanceof assert.AssertionError)) throw error;
    throw new assert.AssertionError({ message: `${where}: ${error.message}`, actual, expected, operator: 'deepStrictEqual' });
  }
}

/** Walks both versions page by page with their own cursors; every page must be the same. The ids served, in order. */
function walkBoth(v: Version, request: SearchRequest, maxPages: number, label: string): string[] {
  const ids: string[] = [];
  let after: { catalogue?: After; reference?: After } = {};
  for (let pages = 1; pages <= maxPages; pages++) {
    const got = searchMovies(v.catalogue, after.catalogue ? { ...request, after: after.catalogue } : request);
    const want = searchMovies(v.reference, after.reference ? { ...request, after: after.reference } : request);
    sameAnswer(seen(v.catalogue, got), seen(v.reference, want), `${label}, page ${pages}`);
    for (const rank of got.ranks) ids.push(v.catalogue.idOf(rank));
    if (!got.hasMore) break;
    after = { catalogue: cursorAfter(v.catalogue, got), reference: cursorAfter(v.reference, want) };
  }
  return ids;
}

const SORTS = ['year:desc', 'year:asc', 'title:asc', 'title:desc'] as const;

const everything = { count: 'true', facets: 'genre,year,decade,cast', highlight: 'true' };

test('a base plus deltas (adds, updates, deletes, resurrections) answers every request, page by page, as one segment of its live movies', () => {
  fc.assert(
    fc.property(
      histories(catalogueOfSize(1, 40), CAST, 5).chain((h) =>
        fc.tuple(
          fc.constant(h),
          fc.array(arbitraryRequest(h.pool), { minLength: 1, maxLength: 4 }),
          // Requests with no filter at all read the segments' precomputed counts and every rank: one each run.
          fc.constantFrom(...SORTS),
          // And a word of a title, by relevance: ties on the key across segments fall to the catalogue order.
          fc.constantFrom(...h.pool.flatMap((m) => referenceWords(m.title).slice(0, 1))),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 6 }),
          // A page alone (no total, facets or highlights) plans a delta only once the base's page bounds it.
          fc.boolean(),
        ),
      ),
      ([h, requests, unfiltered, word, limit, facetLimit, alone]) => {
        const v = versions(h).at(-1) as Version;
        assert.equal(v.catalogue.size, v.reference.size);
        assert.deepEqual(v.catalogue.genreCounts, v.reference.genreCounts);
        for (const movie of h.pool) {
          const rank = v.catalogue.rankOf(movie.id);
          const want = v.reference.rankOf(movie.id);
          assert.equal(rank === undefined, want === undefined, `rankOf ${movie.id}`);
          if (rank !== undefined) assert.equal(v.catalogue.movieJson(rank), v.reference.movieJson(want as number));
        }
        const own: ReferenceRequest[] = [
          { cast: [], genres: [], sort: unfiltered },
          { q: word, cast: [], genres: [], sort: 'relevance' },
        ];
        for (const r of [...requests, ...own]) {
          const request = toSearch(r, limit, alone ? {} : { ...everything, facet_limit: String(facetLimit) });
          const ids = walkBoth(v, request, 40, JSON.stringify(r));
          assert.equal(new Set(ids).size, ids.length, 'each movie once');
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('facet-value search over base plus deltas finds the values, live counts and spellings of one segment of its live movies', () => {
  fc.assert(
    fc.property(
      histories(catalogueOfSize(1, 40), CAST, 4).chain((h) =>
        fc.tuple(
          fc.constant(h),
          arbitraryRequest(h.pool),
          fc.constantFrom<'cast' | 'genre'>('cast', 'genre'),
          fc.constantFrom(...CAST, ...GENRES).chain((value) => fc.nat(value.length).map((n) => value.slice(0, Math.max(2, n)))),
          fc.integer({ min: 1, max: 10 }),
        ),
      ),
      ([h, r, facet, fragment, limit]) => {
        const params = filterParams(r);
        params.set('q', fragment);
        params.set('limit', String(limit));
        const search = parseFacetSearch(facet, params.toString());
        for (const v of versions(h)) {
          sameAnswer(searchFacetValues(v.catalogue, search), searchFacetValues(v.reference, search), `${facet} ${params}`);
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('a cursor taken over an older version keeps walking over a newer one as it would over the newer one built whole', () => {
  fc.assert(
    fc.property(
      histories(catalogueOfSize(1, 40), CAST, 4).chain((h) =>
        fc.tuple(
          fc.constant(h),
          arbitraryRequest(h.pool),
          fc.integer({ min: 1, max: 5 }),
          fc.nat(3),
          fc.nat(),
          fc.constantFrom(false, true),
        ),
      ),
      ([h, r, limit, pagesBefore, older, newerIsPrevious]) => {
        const all = versions(h);
        const from = all[older % all.length] as Version;
        const to = newerIsPrevious ? from : (all.at(-1) as Version);
        const request = toSearch(r, limit);
        let page = searchMovies(from.catalogue, request);
        for (let i = 0; i < pagesBefore && page.hasMore; i++)
          page = searchMovies(from.catalogue, { ...request, after: cursorAfter(from.catalogue, page) });
        if (!page.hasMore) return;
        const after = cursorAfter(from.catalogue, page);
        const ids = walkBoth(to, { ...request, after }, 40, `${JSON.stringify(r)} after ${JSON.stringify(after)}`);
        assert.equal(new Set(ids).size, ids.length, 'each movie once');
      },
    ),
    { numRuns: 300 },
  );
});

/** Cast names beyond the facet limit: the unfiltered cast facet then reads the base's busiest names, less what deltas changed. */
const MANY_CAST = Array.from({ length: 160 }, (_, i) => (i % 7 === 3 ? `actor ${i}` : `Actor ${i}`));

function crowdedCatalogue(): fc.Arbitrary<Movie[]> {
  // A skewed pick, so that counts differ and tie at the facet's cut; every name also appears in another spelling now and then.
  const name = fc.tuple(fc.nat(159), fc.nat(159), fc.nat(9)).map(([a, b, lower]) => {
    const spelled = MANY_CAST[Math.min(a, b)] as string;
    return lower === 0 ? spelled.toLowerCase() : spelled;
  });
  return fc
    .array(
      fc.record({
        n: fc.nat(10_000),
        year: fc.constantFrom(1990, 1991),
        cast: fc.uniqueArray(name, { maxLength: 6, selector: (s) => s.toLowerCase() }),
        genres: fc.uniqueArray(fc.constantFrom(...GENRES), { maxLength: 2 }),
      }),
      { minLength: 100, maxLength: 250 },
    )
    .map((records) => {
      const seen = new Set<string>();
      return records.flatMap(({ n, year, cast, genres }) => {
        const title = `Film ${n}`;
        const id = movieId(title, year);
        if (seen.has(id)) return [];
        seen.add(id);
        return [{ id, title, year, cast, genres }];
      });
    });
}

test('with more cast names than the facet holds, unfiltered and filtered cast facets over base plus deltas match one segment', () => {
  fc.assert(
    fc.property(histories(crowdedCatalogue(), MANY_CAST, 6), fc.integer({ min: 1, max: 100 }), (h, facetLimit) => {
      const v = versions(h).at(-1) as Version;
      const requests: ReferenceRequest[] = [
        { cast: [], genres: [], sort: 'year:desc' },
        { cast: [], genres: ['drama'], sort: 'year:desc' },
        { cast: [], genres: [], year: 1991, sort: 'title:asc' },
        { cast: ['actor 0'], genres: [], sort: 'year:asc' },
      ];
      for (const r of requests) {
        const request = toSearch(r, 3, { count: 'true', facets: 'cast,genre,year', facet_limit: String(facetLimit) });
        sameAnswer(
          seen(v.catalogue, searchMovies(v.catalogue, request)),
          seen(v.reference, searchMovies(v.reference, request)),
          JSON.stringify(r),
        );
      }
    }),
    { numRuns: 80 },
  );
});

test('the seed with twenty deltas of changed, new and deleted movies answers like the seed rebuilt with them', () => {
  const { movies: seed, index } = seedIndex();
  const base = (index.segments[0] as { index: SegmentIndex }).index;
  // A pool of the seed's movies and new ones; the deltas touch its start, the base is the whole seed.
  const fresh = Array.from({ length: 200 }, (_, i): Movie => ({
    id: movieId(`Brand New ${i}`, 2024),
    title: `Brand New ${i}`,
    year: 2024,
    cast: ['Tom Hanks'],
    genres: ['Drama'],
  }));
  const pool = [...seed, ...fresh];
  const deltas = fc.sample(
    fc.array(
      change(CAST).map((c) => ({ ...c, at: c.at % 3000 })),
      { minLength: 10, maxLength: 100 },
    ),
    { numRuns: 20, seed: 17 },
  );
  const v = versions({ pool, baseSize: seed.length, deltas }, base).at(-1) as Version;
  assert.equal(v.catalogue.segments.length, 21);
  assert.deepEqual(v.catalogue.genreCounts, v.reference.genreCounts);
  const requests: ReferenceRequest[] = [
    { cast: [], genres: [], sort: 'year:desc' },
    { cast: [], genres: [], sort: 'title:desc' },
    { cast: [], genres: ['drama'], sort: 'title:asc' },
    { cast: ['tom hanks'], genres: [], sort: 'year:asc' },
    { q: 'the', cast: [], genres: [], sort: 'relevance' },
    { q: 'godfater', cast: [], genres: [], sort: 'relevance' },
    { q: 'star wars', cast: [], genres: [], yearFrom: 1970, sort: 'relevance' },
    { title: 'love', cast: [], genres: ['comedy'], sort: 'year:desc' },
  ];
  for (const r of requests) walkBoth(v, toSearch(r, 20, { ...everything, facet_limit: '100' }), 3, JSON.stringify(r));
});
