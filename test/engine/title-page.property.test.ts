import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bitmap, setBit } from '../../src/engine/bits.js';
import { END, list, range, union, type DocSet } from '../../src/engine/doc-set.js';
import { TITLE_SORT_MAX_CANDIDATES } from '../../src/engine/limits.js';
import type { RankCheck } from '../../src/engine/plan.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { titlePage } from '../../src/engine/title-page.js';
import { arbitraryCatalogue } from '../support/arbitrary-catalogue.js';
import { toSearch } from '../support/search-request.js';

/**
 * A title page leaving out `refused` ranks (a bit each: a base's superseded movies, live-segments.ts) must
 * be the page whose check refuses them too, in each of titlePage's three ways of reading a set: a set it sorts (a
 * list), an open range it walks in title order with no check, and a set too large to sort, read into a bitmap.
 */
test('a title page without its refused ranks is the page whose check refuses them', () => {
  fc.assert(
    fc.property(
      arbitraryCatalogue.chain((movies) =>
        fc.tuple(
          fc.constant(movies),
          fc.uniqueArray(fc.nat({ max: movies.length - 1 })),
          fc.uniqueArray(fc.nat({ max: movies.length - 1 })),
          fc.constantFrom('list', 'range', 'large set with a check'),
          fc.boolean(),
          fc.integer({ min: 1, max: 5 }),
        ),
      ),
      ([movies, refusedRanks, failing, kind, descending, limit]) => {
        const index = SegmentIndex.build('t', movies);
        const refused = bitmap(index.size);
        for (const r of refusedRanks) if (r < index.size) setBit(refused, r);
        const all = Array.from({ length: index.size }, (_, rank) => rank);
        const members = list(Int32Array.from(all));
        // Past TITLE_SORT_MAX_CANDIDATES, however few movies: the ranks past the segment's are in no title group, as an open range's.
        const large = union([members, range(all.length, all.length + TITLE_SORT_MAX_CANDIDATES)]);
        const set: DocSet = kind === 'list' ? members : kind === 'range' ? range(0, END) : large;
        const fails = new Set(failing);
        const check: RankCheck = kind === 'large set with a check' ? (rank) => !fails.has(rank) : undefined;
        const request = toSearch({ cast: [], genres: [], sort: descending ? 'title:desc' : 'title:asc' }, limit);
        const got: number[] = [];
        titlePage(index, set, check, request, descending, got, refused);
        const want: number[] = [];
        const refusing: RankCheck = (rank) => !refusedRanks.includes(rank) && (check === undefined || check(rank));
        // The reference reads the segment's ranks as a list (the small path): every set here holds those.
        titlePage(index, members, refusing, request, descending, want);
        assert.deepEqual(got, want);
      },
    ),
    { numRuns: 300 },
  );
});
