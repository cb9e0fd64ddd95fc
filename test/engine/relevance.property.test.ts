import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { planQuery } from '../../src/engine/plan.js';
import { Relevance } from '../../src/engine/relevance.js';
import { parseListRequest } from '../../src/query/parse-query.js';
import { typed } from '../support/arbitrary-catalogue.js';

/**
 * Words over three letters, so hundreds of distinct words share prefixes: a typed prefix then
 * matches long runs of the dictionary, and typos match words spread all over it.
 */
const word = fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 7 }).map((l) => l.join(''));
const phrase = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const catalogue = fc
  .array(fc.record({ title: phrase, cast: fc.array(phrase, { maxLength: 3 }) }), { minLength: 20, maxLength: 200 })
  .map((records) => records.map((r, i): Movie => ({ ...r, year: 2000, genres: [], id: movieId(`${r.title} ${i}`, 2000, 0) })));

test('a movie has the same key whether the matched-words bitmap is built before the first movie or never', () => {
  fc.assert(
    fc.property(
      catalogue.chain((movies) =>
        fc.tuple(
          fc.constant(movies),
          fc.array(typed(fc.constantFrom(...movies.map((m) => m.title.split(' ')[0] as string))), { minLength: 1, maxLength: 3 }),
        ),
      ),
      ([movies, q]) => {
        const index = SegmentIndex.build('v', movies);
        const query = parseListRequest(new URLSearchParams({ q: q.join(' ') }).toString()).query;
        const matches = planQuery(index, query).words;
        const withBitmap = new Relevance(index.data, matches, 0);
        const without = new Relevance(index.data, matches, Infinity);
        for (let rank = 0; rank < index.size; rank++) assert.equal(withBitmap.key(rank), without.key(rank), `${q.join(' ')}: rank ${rank}`);
      },
    ),
    { numRuns: 300 },
  );
});
