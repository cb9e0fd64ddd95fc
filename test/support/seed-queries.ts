import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { searchMovies } from '../../src/engine/search.js';
import { referenceSearch, type ReferenceRequest } from './reference-engine.js';
import { toSearch } from './search-request.js';
import { seedIndex } from './seed-index.js';

/**
 * The engine against the reference model's full scan of the real seed, for queries made from the seed's own words.
 * Each run costs ~1.3 s of CPU, nearly all of it the reference's brute-force typo matching of every title word and
 * cast name: one file held all of them and the runner's 5 min per-file limit at a load of ~20 was not far off, so
 * each kind of query has its file (search-seed-titles, search-seed-cast), which the runner takes on both cores.
 */
const { movies: seed, index } = seedIndex();

/** A title of the seed cut short by up to 3 words, as typed into a search box. */
export const typedTitle = fc.tuple(fc.nat(seed.length - 1), fc.nat(3)).map(([i, cut]) => {
  const words = (seed[i] as Movie).title.split(/\s+/);
  return words.slice(0, Math.max(1, words.length - cut)).join(' ');
});

const withCast = seed.filter((m) => m.cast.length > 0);

/** A cast member's last name and the first word of one of their titles. */
export const castAndTitle = fc.tuple(fc.nat(withCast.length - 1), fc.nat(9)).map(([i, k]) => {
  const m = withCast[i] as Movie;
  return `${(m.cast[k % m.cast.length] as string).split(' ').at(-1)} ${m.title.split(' ')[0]}`;
});

/** For `numRuns` queries of `queries`, each in one of three sorts: the first page, and the count, are the full scan's. */
export function agreesWithFullScan(queries: fc.Arbitrary<string>, numRuns: number): void {
  fc.assert(
    fc.property(queries, fc.constantFrom('relevance', 'year:asc', 'title:desc') as fc.Arbitrary<ReferenceRequest['sort']>, (q, sort) => {
      const r: ReferenceRequest = { q, cast: [], genres: [], sort };
      const all = referenceSearch(seed, r);
      const page = searchMovies(index, toSearch(r, 10, { count: 'true' }));
      assert.deepEqual(
        page.ranks.map((rank) => index.idOf(rank)),
        all.slice(0, 10).map((m) => m.id),
        q,
      );
      assert.equal(page.total, all.length, `${q}: the count`);
    }),
    { numRuns },
  );
}
