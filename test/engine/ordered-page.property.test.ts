import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bitmap, setBit } from '../../src/engine/bits.js';
import { and, END, list, range, union, type DocSet } from '../../src/engine/doc-set.js';
import { orderedPage } from '../../src/engine/ordered-page.js';
import type { RankCheck } from '../../src/engine/plan.js';
import type { SearchRequest } from '../../src/engine/search-request.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { arbitraryCatalogue } from '../support/arbitrary-catalogue.js';
import { toSearch } from '../support/search-request.js';

/**
 * A page in a year order leaving out `refused` ranks (a bit each: a base's superseded movies, live-segments.ts)
 * must be the page whose check refuses them: the first `limit + 1` members of the set after the cursor, in the order,
 * passing the check and not refused. The refused ranks are drawn dense, in and out of the set, and the limits small, so
 * that a page loses members to them, often several, and reads on past them (ordered-page.ts, collectLive); the sets are
 * those plans make (a list, a range, a union, an intersection with a year range).
 */
test('a page in a year order without its refused ranks is the page whose check refuses them', () => {
  fc.assert(
    fc.property(
      arbitraryCatalogue.chain((movies) =>
        fc.tuple(
          fc.constant(movies),
          fc.uniqueArray(fc.nat({ max: movies.length - 1 }), { maxLength: movies.length }),
          fc.uniqueArray(fc.nat({ max: movies.length - 1 })),
          fc.uniqueArray(fc.nat({ max: movies.length - 1 })),
          fc.constantFrom('list', 'range', 'union', 'and'),
          fc.boolean(),
          fc.boolean(),
          fc.option(fc.nat({ max: movies.length - 1 })),
          fc.integer({ min: 1, max: 5 }),
        ),
      ),
      ([movies, refusedRanks, members, failing, kind, ascending, checked, afterRank, limit]) => {
        const index = SegmentIndex.build('t', movies);
        const size = index.size;
        const refusedList = refusedRanks.filter((r) => r < size);
        const refused = bitmap(size);
        for (const r of refusedList) setBit(refused, r);
        const listed = list(Int32Array.from(members.filter((r) => r < size).sort((a, b) => a - b)));
        const half = Math.floor(size / 2);
        const sets: Record<string, DocSet> = {
          list: listed,
          range: range(0, END),
          union: union([listed, range(half, size)]),
          and: and([union([listed, range(0, half)]), range(Math.floor(size / 4), size)]),
        };
        const set = sets[kind] as DocSet;
        const fails = new Set(failing);
        const check: RankCheck = checked ? (rank) => !fails.has(rank) : undefined;
        const parsed = toSearch({ cast: [], genres: [], sort: ascending ? 'year:asc' : 'year:desc' }, limit);
        const request: SearchRequest =
          afterRank === null || afterRank >= size ? parsed : { ...parsed, after: { position: index.positionOf(afterRank) } };
        const got = orderedPage(index, set, check, request, undefined, refused).ranks;
        const refusing: RankCheck = (rank) => !refusedList.includes(rank) && (check === undefined || check(rank));
        const want = orderedPage(index, set, refusing, request).ranks;
        assert.deepEqual(got, want);
      },
    ),
    { numRuns: 500 },
  );
});
