import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex, type SegmentEntry } from '../../src/engine/catalogue-index.js';
import { deltaMatches, DeltaMatchMemo, filtersHash, type DeltaMatches, type SoleDelta } from '../../src/engine/delta-matches.js';
import type { LiveSegment } from '../../src/engine/live-segments.js';
import type { MovieQuery } from '../../src/engine/search-request.js';
import { titleTerms } from '../../src/engine/plan.js';
import { arbitraryRequest } from '../support/arbitrary-catalogue.js';
import { versionAnd } from '../support/arbitrary-versions.js';
import { catalogueOrder, type ReferenceRequest } from '../support/reference-engine.js';
import { extractCollection } from '../support/reference-extract.js';
import { toSearch } from '../support/search-request.js';
import { referenceRanks, versionOver, walkTwice } from '../support/version-pages.js';
import { assertBoundedMemo } from '../support/bounded-memo.js';

const NEVER = (): DeltaMatches => assert.fail('the memo should hold these filters');
const NONE = new Int32Array(0);

/** A request's filters alone: the memo's path is taken without words and without facets (and relevance needs words). */
const filtersOnly = (r: ReferenceRequest): ReferenceRequest => ({
  ...r,
  q: undefined,
  match: undefined,
  sort: r.sort === 'relevance' ? 'year:desc' : r.sort,
});

/**
 * A request without words or facets over base plus deltas reads its deltas' matches from the version's memo
 * (delta-matches.ts) from its second time on. Every page, asked twice (the memo filled, then read), with a
 * count or without, must answer as one segment of the live movies, cursors and all; and what the memo holds
 * for each delta must be exactly its live movies passing the filters, and for the base its superseded movies
 * passing them, movie by movie (the reference model).
 */
test("a version's remembered delta matches answer every page as one segment, and hold each delta's live movies and the base's superseded ones passing the filters", () => {
  fc.assert(
    fc.property(
      versionAnd((v) =>
        fc.tuple(
          fc.array(arbitraryRequest(v.pool).map(filtersOnly), { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.boolean(),
          fc.boolean(),
          fc.constantFrom<ReferenceRequest['sort']>('title:asc', 'title:desc'),
        ),
      ),
      ([v, drawn, limit, folded, count, titleSort]) => {
        // No filter at all, in title order: the base's whole range, walked in title order, its superseded movies refused.
        const requests = [...drawn, { cast: [], genres: [], sort: titleSort }];
        const catalogue = versionOver(v.catalogue.segments, folded);
        assert.ok(catalogue.deltaMatches.applies, 'small deltas are remembered');
        for (const r of requests) {
          const request = toSearch(r, limit, count ? { count: 'true' } : {});
          const title = request.query.title === undefined ? undefined : titleTerms(request.query.title);
          walkTwice(catalogue, v.reference, request, JSON.stringify(r), () => {
            const want = referenceDeltaMatches(catalogue, r, request.query);
            // Filters a delta-terms test excludes never reach the memo: the reference must find nothing for them to refuse or add.
            if (catalogue.deltaTerms.excludes(request.query, title))
              assert.deepEqual(
                want,
                deltaMatches(
                  want.ranks.map(() => NONE),
                  NONE,
                ),
              );
            else assert.deepEqual(catalogue.deltaMatches.of(request.query, NEVER), want);
          });
        }
      },
    ),
    { numRuns: 200 },
  );
});

/**
 * Each delta's live movies passing the request's filters, one by one, and the mask they make; the base's
 * superseded movies passing them; and when one delta alone holds some, that delta of this version with its
 * matches and each of its movies' place: how many base movies come before it in the reference's catalogue order.
 */
function referenceDeltaMatches(catalogue: CatalogueIndex, r: ReferenceRequest, query: MovieQuery): DeltaMatches {
  // Filters alone: the extract collection is never read.
  const collection = extractCollection([]);
  const passing = (segment: LiveSegment, superseded: boolean) => Int32Array.from(referenceRanks(segment, superseded, r, collection));
  assert.ok(query.q === undefined);
  const [base, ...deltas] = catalogue.segments as [LiveSegment, ...LiveSegment[]];
  const ranks = deltas.map((segment) => passing(segment, false));
  const holding = deltas.filter((_, d) => (ranks[d] as Int32Array).length > 0);
  const baseMovies = moviesOf(base);
  const sole = (segment: LiveSegment): SoleDelta => ({
    segment,
    matches: ranks[deltas.indexOf(segment)] as Int32Array,
    places: Int32Array.from(moviesOf(segment), (movie) => baseMovies.filter((b) => catalogueOrder(b, movie) < 0).length),
  });
  return deltaMatches(ranks, passing(base, true), holding.length === 1 ? sole(holding[0] as LiveSegment) : undefined);
}

const moviesOf = (segment: LiveSegment): Movie[] => Array.from({ length: segment.index.size }, (_, rank) => segment.index.movie(rank));

/**
 * Versions published one after another over one base (each the one before and a delta more, the segments shared as
 * a replica shares them), each answering with its own memo: what a filter set's entry holds (its matches, its sole
 * delta and that delta's places) is the version's own, whichever versions were asked before it and in whichever
 * order, and every year:desc page (where the sole delta merges by its places) is the reference's, cursors and all.
 */
test("a memo's entry answers for its own version only: versions over one base, asked in turn, each find their own sole delta and places", () => {
  fc.assert(
    fc.property(
      versionAnd((v) =>
        fc.tuple(
          fc.array(
            arbitraryRequest(v.pool).map((r) => ({ ...filtersOnly(r), sort: 'year:desc' as const })),
            { minLength: 1, maxLength: 3 },
          ),
          fc.integer({ min: 1, max: 4 }),
          fc.boolean(),
          fc.boolean(),
        ),
      ),
      ([v, requests, limit, folded, newestFirst]) => {
        const entries: SegmentEntry[] = v.catalogue.segments.map(({ index, deletes }) => ({ index, deletes }));
        const published = entries.slice(1).map((_, d) => {
          const upTo = entries.slice(0, d + 2);
          return { catalogue: versionOver(upTo, folded), reference: liveReference(upTo) };
        });
        if (newestFirst) published.reverse();
        for (const r of requests) {
          const request = toSearch(r, limit);
          for (const { catalogue, reference } of published) {
            walkTwice(catalogue, reference, request, JSON.stringify(r), () => {
              const title = request.query.title === undefined ? undefined : titleTerms(request.query.title);
              if (!catalogue.deltaTerms.excludes(request.query, title))
                assert.deepEqual(catalogue.deltaMatches.of(request.query, NEVER), referenceDeltaMatches(catalogue, r, request.query));
            });
          }
        }
      },
    ),
    { numRuns: 150 },
  );
});

/** One segment of the live movies after `entries`: the base's, then each delta's puts and deletes in turn. */
function liveReference(entries: readonly SegmentEntry[]): CatalogueIndex {
  const live = new Map<string, Movie>();
  for (const { index, deletes } of entries) {
    for (let rank = 0; rank < index.size; rank++) live.set(index.movie(rank).id, index.movie(rank));
    for (const id of deletes) live.delete(id);
  }
  return CatalogueIndex.build('reference', [...live.values()]);
}

/** Filters as a request would carry them: a few values each, so that sets come back and titles collide in the hash. */
const filters: fc.Arbitrary<MovieQuery> = fc.record(
  {
    title: fc.constantFrom('abcde', 'aXcYe', 'a', 'ab', ''),
    year: fc.integer({ min: 1990, max: 1992 }),
    yearFrom: fc.integer({ min: 1990, max: 1992 }),
    cast: fc.uniqueArray(fc.constantFrom('ann', 'bobby', 'bXbYy'), { maxLength: 2 }).map((names) => names.sort()),
    genres: fc.uniqueArray(fc.constantFrom('drama', 'comedy'), { maxLength: 2 }).map((names) => names.sort()),
  },
  { requiredKeys: ['cast', 'genres'] },
);

/** The same filters but for one title or cast name swapped for another of the same length and first, middle and last characters. */
function twin(query: MovieQuery): MovieQuery {
  const swap = (s: string): string => ({ abcde: 'aXcYe', aXcYe: 'abcde', bobby: 'bXbYy', bXbYy: 'bobby' })[s] ?? s;
  if (query.title !== undefined && swap(query.title) !== query.title) return { ...query, title: swap(query.title) };
  return { ...query, cast: query.cast.map(swap).sort() };
}

/** What a delta would find for the filters: anything that differs between filter sets. */
const findFor = (query: MovieQuery): DeltaMatches => {
  const key = JSON.stringify(query);
  let sum = 0;
  for (let i = 0; i < key.length; i++) sum += key.charCodeAt(i) * (i + 1);
  // Some sets match nothing, some one movie, some several: their ranks count against the bound.
  return deltaMatches(
    [Int32Array.from({ length: sum % 3 }, (_, i) => sum + i), new Int32Array(0)],
    Int32Array.from({ length: sum % 2 }, () => sum),
  );
};

/**
 * The memo against a Map keyed by the whole filter set: every read answers the filters' own matches (sets sharing
 * a hash, as 'abcde' and 'aXcYe' do, told apart), `find` runs only for a set it does not hold, and it never
 * holds more sets or ranks than its bounds, emptying itself when full.
 */
test('the memo of delta matches answers each filter set its own matches, within its bounds of sets and ranks', () => {
  const some: MovieQuery = { title: 'abcde', cast: ['ann', 'bobby'], genres: [] };
  assert.equal(filtersHash(some), filtersHash(twin(some)), 'twins share a hash');
  fc.assert(
    fc.property(
      fc.array(filters, { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 8 }),
      (drawn, maxSets, maxRanks) => {
        // Each set is asked beside its twin of the same hash, then again, so that a memo mixing them up, or keeping
        // only the newest set of a hash (or of a slot of its table), fails.
        const asked = drawn.flatMap((query) => [query, twin(query), query]);
        const ranksOf = (found: DeltaMatches) => found.ranks.reduce((n, m) => n + m.length, found.baseSuperseded.length);
        assertBoundedMemo(new DeltaMatchMemo([], maxSets, maxRanks), asked, findFor, ranksOf, maxSets, maxRanks);
      },
    ),
    { numRuns: 300 },
  );
});
