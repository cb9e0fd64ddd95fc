import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { titleTerms } from '../../src/engine/plan.js';
import { lookup } from '../../src/engine/string-table.js';
import { arbitraryRequest } from '../support/arbitrary-catalogue.js';
import { versionAnd } from '../support/arbitrary-versions.js';
import { toSearch } from '../support/search-request.js';

/** A delta's filter terms read from the version's maps (segment-mask.ts) must be the ids its own dictionaries give. */
test("a delta's filter terms, read from the version's maps, are the ids its own dictionaries give, -1 where it lacks one", () => {
  fc.assert(
    fc.property(
      versionAnd((v) => fc.tuple(arbitraryRequest(v.pool))),
      ([v, r]) => {
        const { query } = toSearch(r, 10);
        const title = query.title === undefined ? undefined : titleTerms(query.title);
        const match = v.catalogue.masks.match(query, title);
        v.catalogue.segments.forEach(({ index }, s) => {
          const { ids } = match.terms(s);
          if (s === 0 || ids === undefined) return;
          const { cast, genres, grams } = index.data;
          assert.deepEqual(
            ids,
            {
              cast: query.cast.map((name) => lookup(cast.terms, name)),
              genres: query.genres.map((name) => lookup(genres.terms, name)),
              grams: (title?.grams ?? []).map((gram) => lookup(grams.terms, gram)),
            },
            `segment ${s}`,
          );
        });
      },
    ),
    { numRuns: 300 },
  );
});
