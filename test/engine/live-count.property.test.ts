import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { searchMovies } from '../../src/engine/search.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { parseListRequest, searchRequestOf } from '../../src/query/parse-query.js';
import { catalogueOfSize, GENRES } from '../support/arbitrary-catalogue.js';
import { deltaEntry } from '../support/version-pages.js';

const request = (query: string) => searchRequestOf(parseListRequest(`${query}&count=true&limit=1`));

/**
 * A count over a base whose broad posting lists are longer than its superseded set: the superseded
 * movies are sought in the list, counted once per version and list (live-segments.ts), and the next
 * request for the same list reads that count. Both must give the total of one segment of the live
 * movies, request after request, whichever list was counted first.
 */
test('counts over a base with superseded movies equal one segment of the live movies, asked again and again', () => {
  fc.assert(
    fc.property(
      catalogueOfSize(8, 40),
      fc.array(fc.record({ at: fc.nat(), deleted: fc.boolean(), genre: fc.constantFrom(...GENRES) }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.constantFrom(...GENRES), { minLength: 1, maxLength: 8 }),
      (pool, changes, asked) => {
        // Every movie of the base is a drama, so `genre=Drama` is a list longer than the few superseded.
        const base = pool.map((m) => ({ ...m, genres: ['Drama', ...m.genres] }));
        const live = new Map(base.map((m) => [m.id, m]));
        const last = new Map<string, Movie | null>();
        for (const c of changes) {
          const movie = base[c.at % base.length] as Movie;
          last.set(movie.id, c.deleted ? null : { ...movie, genres: [c.genre] });
        }
        const version = CatalogueIndex.of('v', [{ index: SegmentIndex.build('base', base), deletes: [] }, deltaEntry('d', last, live)]);
        const reference = CatalogueIndex.build('v', [...live.values()]);
        for (const genre of [...asked, 'Drama', ...asked]) {
          const r = request(`genre=${encodeURIComponent(genre)}`);
          assert.equal(searchMovies(version, r).total, searchMovies(reference, r).total, genre);
        }
        // A one-letter prefix is the union of many words' lists, merged into a bitmap once it is broad: counted off
        // the bitmap's size less the superseded bits it holds.
        for (const letter of ['s', 't', 'm', 'a', 'b']) {
          const r = request(`q=${letter}`);
          assert.equal(searchMovies(version, r).total, searchMovies(reference, r).total, `q=${letter}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});
