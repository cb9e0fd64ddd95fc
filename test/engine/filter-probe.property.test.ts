import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { filtersMayMatch } from '../../src/engine/filter-probe.js';
import { postingsOf } from '../../src/engine/index-data.js';
import { titleTerms } from '../../src/engine/plan.js';
import { lookup } from '../../src/engine/string-table.js';
import { arbitraryRequest } from '../support/arbitrary-catalogue.js';
import { versions } from '../support/arbitrary-versions.js';
import { toSearch } from '../support/search-request.js';

/**
 * The probe a request over base plus deltas skips a delta by (filter-probe.ts) says "none" exactly
 * when no movie of the delta is in the year span and in every posting list of the query's cast
 * names, genres and title n-grams: a movie checked against each, one by one.
 */
test("the filter probe finds a delta's movie passing the year span, cast, genres and title n-grams exactly when one exists", () => {
  fc.assert(
    fc.property(
      versions.chain((v) => fc.tuple(fc.constant(v), arbitraryRequest(v.pool))),
      ([v, r]) => {
        const { query } = toSearch(r, 10);
        const grams = query.title === undefined ? [] : titleTerms(query.title).grams;
        v.catalogue.segments.forEach(({ index }, s) => {
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
          assert.equal(filtersMayMatch(index, query, ids), exists, `segment ${s}`);
        });
      },
    ),
    { numRuns: 500 },
  );
});
