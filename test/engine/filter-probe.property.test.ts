import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { filtersMayMatch } from '../../src/engine/filter-probe.js';
import { postingsOf } from '../../src/engine/index-data.js';
import { titleTerms } from '../../src/engine/plan.js';
import type { MovieQuery } from '../../src/engine/search-request.js';
import type { SegmentIndex } from '../../src/engine/segment-index.js';
import { lookup } from '../../src/engine/string-table.js';
import { arbitraryRequest } from '../support/arbitrary-catalogue.js';
import { versionAnd } from '../support/arbitrary-versions.js';
import type { ReferenceRequest } from '../support/reference-engine.js';
import { toSearch } from '../support/search-request.js';

/** The probe's answer for one segment against a movie-by-movie check of the same filters. */
function agreesWithScan(index: SegmentIndex, query: MovieQuery, what: string): boolean {
  const grams = query.title === undefined ? [] : titleTerms(query.title).grams;
  const { cast, genres, grams: gramTable, years } = index.data;
  const ids = {
    cast: query.cast.map((name) => lookup(cast.terms, name)),
    genres: query.genres.map((name) => lookup(genres.terms, name)),
    grams: grams.map((gram) => lookup(gramTable.terms, gram)),
  };
  const lists = [
    ...ids.cast.map((id) => (id < 0 ? [] : [...postingsOf(cast.postings, id)])),
    ...ids.genres.map((id) => (id < 0 ? [] : [...postingsOf(genres.postings, id)])),
    ...ids.grams.map((id) => (id < 0 ? [] : [...postingsOf(gramTable.postings, id)])),
  ];
  const from = Math.max(query.year ?? -Infinity, query.yearFrom ?? -Infinity);
  const to = Math.min(query.year ?? Infinity, query.yearTo ?? Infinity);
  const passes = (rank: number): boolean => {
    const year = years[rank] as number;
    return year >= from && year <= to && lists.every((list) => list.includes(rank));
  };
  const exists = Array.from({ length: index.size }, (_, rank) => rank).some(passes);
  assert.equal(filtersMayMatch(index, query, ids), exists, what);
  return exists;
}

/**
 * The probe a request over base plus deltas skips a delta by (filter-probe.ts) says "none" exactly
 * when no movie of the delta is in the year span and in every posting list of the query's cast
 * names, genres and title n-grams: a movie checked against each, one by one.
 */
test("the filter probe finds a delta's movie passing the year span, cast, genres and title n-grams exactly when one exists", () => {
  fc.assert(
    fc.property(
      versionAnd((v) => fc.tuple(arbitraryRequest(v.pool))),
      ([v, r]) => {
        const { query } = toSearch(r, 10);
        v.catalogue.segments.forEach(({ index }, s) => agreesWithScan(index, query, `segment ${s}`));
      },
    ),
    { numRuns: 500 },
  );
});

/**
 * Random requests rarely combine several filters one movie passes, so this draws them from a movie of the segment: its
 * year, a cast name, a genre and a piece of its title together, each kept or left out. Several lists then hold the movie
 * (the first movie of a segment, rank 0, included), and the probe must find it through each of them.
 */
test("the filter probe finds a segment's movie from filters taken off that movie, alone or together", () => {
  fc.assert(
    fc.property(
      versionAnd(() => fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat(3), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean())),
      ([v, segmentPick, rankPick, namePick, cut, byYear, byCast, byGenre, byTitle]) => {
        const segments = v.catalogue.segments.filter(({ index }) => index.size > 0);
        if (segments.length === 0) return;
        const { index } = segments[segmentPick % segments.length] as (typeof segments)[number];
        const rank = rankPick % Math.min(index.size, 3) === 0 ? 0 : rankPick % index.size;
        const movie = index.movie(rank);
        const request: ReferenceRequest = {
          cast: byCast && movie.cast.length > 0 ? [movie.cast[namePick % movie.cast.length] as string] : [],
          genres: byGenre && movie.genres.length > 0 ? [movie.genres[namePick % movie.genres.length] as string] : [],
          ...(byYear ? { year: movie.year } : {}),
          ...(byTitle && movie.title.length > cut + 2 ? { title: movie.title.slice(cut, cut + 3) } : {}),
          sort: 'year:desc',
        };
        const found = agreesWithScan(index, toSearch(request, 10).query, JSON.stringify(request));
        // A piece of a title may fold to other n-grams than the whole title has there (a letter and its accent cut apart).
        if (request.title === undefined) assert.ok(found, 'the movie itself passes its own filters');
      },
    ),
    { numRuns: 500 },
  );
});
