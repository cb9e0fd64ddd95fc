import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { searchMovies } from '../../src/engine/search.js';
import { catalogueOrder } from '../support/reference-engine.js';
import { toSearch } from '../support/search-request.js';
import { seedPath } from '../support/paths.js';
import { seedIndex } from '../support/seed-index.js';
import { walkPages } from '../support/walk-pages.js';

// The engine against the reference model on the real seed; search.property.test.ts does it on random catalogues, and
// search-seed-titles and search-seed-cast check free-text queries against the reference's full scan of the seed.
const { movies: seed, index } = seedIndex();

test('the unfiltered catalogue pages through all 28,795 movies in catalogue order', () => {
  const { ids } = walkPages(index, toSearch({ cast: [], genres: [], sort: 'year:desc' }, 100), 1000);
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
