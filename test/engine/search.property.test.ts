import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import { normaliseText } from '../../src/catalogue/normalise.js';
import type { MovieQuery, Position } from '../../src/engine/movie-query.js';
import { searchMovies } from '../../src/engine/search.js';
import { referenceSearch, type ReferenceQuery } from '../support/reference-search.js';
import { seedPath } from '../support/paths.js';
import { seedIndex } from '../support/seed-index.js';

const { movies, index } = seedIndex();
const years = [...new Set(movies.map((m) => m.year))];
const withCast = movies.filter((m) => m.cast.length > 0);

/** Random spellings of the same text: other case, accents dropped, padding. */
function respell(text: string, style: number): string {
  switch (style) {
    case 0:
      return text;
    case 1:
      return text.toUpperCase();
    case 2:
      return text.normalize('NFKD').replace(/\p{M}/gu, '');
    default:
      return `  ${text.toLowerCase()} `;
  }
}

const titleFragment = fc.oneof(
  fc
    .tuple(fc.nat(movies.length - 1), fc.nat(200), fc.integer({ min: 1, max: 9 }), fc.nat(3))
    .map(([i, start, length, style]) => {
      const title = (movies[i] as Movie).title;
      const from = start % title.length;
      return respell(title.slice(from, from + length), style);
    })
    .filter((t) => t.trim() !== ''),
  fc.string({ minLength: 1, maxLength: 4 }).filter((t) => t.trim() !== ''),
  // Two real fragments spliced: every trigram tends to exist while the substring does not, which
  // is exactly where n-gram candidates need verifying.
  fc
    .tuple(fc.nat(movies.length - 1), fc.nat(movies.length - 1), fc.nat(200), fc.nat(200))
    .map(([i, j, a, b]) => {
      const left = (movies[i] as Movie).title.toLowerCase();
      const right = (movies[j] as Movie).title.toLowerCase();
      return left.slice(a % left.length, (a % left.length) + 3) + right.slice(b % right.length, (b % right.length) + 3);
    })
    .filter((t) => t.trim().length > 3),
);
const year = fc.oneof(fc.constantFrom(...years), fc.integer({ min: 1850, max: 2100 }));
const castName = fc.oneof(
  fc.tuple(fc.nat(withCast.length - 1), fc.nat(50), fc.nat(3)).map(([i, j, style]) => {
    const cast = (withCast[i] as Movie).cast;
    return respell(cast[j % cast.length] as string, style);
  }),
  fc.constant('Nobody Atall'),
);
const genreName = fc.oneof(
  fc.constantFrom(...index.genreCounts.map((g) => g.genre)).chain((g) => fc.nat(3).map((s) => respell(g, s))),
  fc.constant('not-a-genre'),
);

const referenceQuery: fc.Arbitrary<ReferenceQuery> = fc
  .record(
    {
      title: titleFragment,
      year,
      cast: fc.array(castName, { minLength: 1, maxLength: 2 }),
      genres: fc.array(genreName, { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .map((r) => ({ ...r, cast: r.cast ?? [], genres: r.genres ?? [] }));

function canonical(q: ReferenceQuery): MovieQuery {
  const out: { title?: string; year?: number; cast: string[]; genres: string[] } = {
    cast: [...new Set(q.cast.map(normaliseText))].sort(),
    genres: [...new Set(q.genres.map(normaliseText))].sort(),
  };
  if (q.title !== undefined) out.title = normaliseText(q.title);
  if (q.year !== undefined) out.year = q.year;
  return out;
}

/** Follows cursors page by page, as a client would, and returns every id in the order served. */
function walk(query: MovieQuery, limit: number, maxPages: number): { ids: string[]; pages: number } {
  const ids: string[] = [];
  let after: Position | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = searchMovies(index, query, after ? { limit, after } : { limit });
    assert.ok(page.ranks.length <= limit);
    for (const rank of page.ranks) ids.push((index.movies[rank] as Movie).id);
    if (!page.hasMore) return { ids, pages };
    assert.equal(page.ranks.length, limit, 'a page with has_more is full');
    after = index.positionOf(page.ranks[page.ranks.length - 1] as number);
  }
  return { ids, pages: maxPages };
}

test('every page of every query matches a full scan, in order, each movie once', () => {
  fc.assert(
    fc.property(referenceQuery, fc.integer({ min: 1, max: 100 }), (q, limit) => {
      const expected = referenceSearch(movies, q).map((m) => m.id);
      const maxPages = Math.ceil(expected.length / limit) + 1;
      const { ids } = walk(canonical(q), limit, maxPages);
      assert.deepEqual(ids, expected);
    }),
    { numRuns: 400 },
  );
});

test('the unfiltered catalogue pages through all 28,795 movies', () => {
  const { ids } = walk({ cast: [], genres: [] }, 100, 1000);
  assert.equal(ids.length, 28_795);
  assert.equal(new Set(ids).size, 28_795);
});

test('a keyset position that names no movie still resumes in order', () => {
  fc.assert(
    fc.property(fc.nat(movies.length - 1), fc.boolean(), (i, bump) => {
      const movie = movies[i] as Movie;
      // A position between two real movies, as after a reload that removed the last movie seen.
      const after = { year: movie.year, title: bump ? `${movie.title}\u0000` : movie.title, id: bump ? '' : movie.id };
      const page = searchMovies(index, { cast: [], genres: [] }, { limit: 5, after });
      const expected = referenceSearch(movies, { cast: [], genres: [] })
        .filter(
          (m) => m.year < after.year || (m.year === after.year && (m.title > after.title || (m.title === after.title && m.id > after.id))),
        )
        .slice(0, 5)
        .map((m) => m.id);
      assert.deepEqual(
        page.ranks.map((r) => (index.movies[r] as Movie).id),
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
  for (const [y, count] of perYear) assert.equal(walk({ year: y, cast: [], genres: [] }, 100, 100).ids.length, count, `year ${y}`);
  assert.equal(walk({ cast: [], genres: ['drama'] }, 100, 200).ids.length, raw.filter((r) => r.genres.includes('Drama')).length);
});
