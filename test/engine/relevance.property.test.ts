import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { members } from '../../src/engine/doc-set.js';
import { planQuery } from '../../src/engine/plan.js';
import { Relevance } from '../../src/engine/relevance.js';
import { unpackKey } from '../../src/engine/relevance-key.js';
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

/** A catalogue and `min` to `max` words of its titles and cast names, typed with a typo or not. */
function withWords(min: number, max: number): fc.Arbitrary<[Movie[], string[]]> {
  return catalogue.chain((movies) =>
    fc.tuple(
      fc.constant(movies),
      fc.array(typed(fc.constantFrom(...movies.flatMap((m) => [...m.title.split(' '), ...m.cast.flatMap((c) => c.split(' '))]))), {
        minLength: min,
        maxLength: max,
      }),
    ),
  );
}

/** The catalogue's index and the words of `q` planned over it. */
function planned(movies: readonly Movie[], q: readonly string[]) {
  const index = SegmentIndex.build('v', movies);
  const query = parseListRequest(new URLSearchParams({ q: q.join(' ') }).toString()).query;
  return { index, words: planQuery(index, query).words };
}

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
        const { index, words: matches } = planned(movies, q);
        const withBitmap = new Relevance(index.data, matches, 0);
        const without = new Relevance(index.data, matches, Infinity);
        for (let rank = 0; rank < index.size; rank++) assert.equal(withBitmap.key(rank), without.key(rank), `${q.join(' ')}: rank ${rank}`);
      },
    ),
    { numRuns: 300 },
  );
});

test("a movie's lower bound never exceeds its key, read through each word's fewest typos (best-readings.ts) and two-letter starts (pair-signature.ts)", () => {
  let raised = 0;
  fc.assert(
    fc.property(withWords(1, 3), ([movies, q]) => {
      const { index, words } = planned(movies, q);
      // Built on the first key: every bound below reads the sets.
      const relevance = new Relevance(index.data, words, 0);
      const unread = new Relevance(index.data, words, Infinity);
      const keys = Array.from({ length: index.size }, (_, rank) => relevance.key(rank));
      const ranks = Int32Array.from(keys.keys());
      const below = new Int32Array(index.size);
      for (const [rank, key] of keys.entries()) {
        if (key < 0) continue;
        const bound = relevance.bound.lowerBound(rank, 0);
        assert.ok(bound <= key, `${q.join(' ')}: rank ${rank}, bound ${bound} above key ${key}`);
        if (bound > unread.bound.lowerBound(rank, 0)) raised++;
        // The block filter keeps every movie whose key is below a worst key just above its own.
        const kept = relevance.bound.below(ranks, rank, rank + 1, key + 1, below);
        assert.equal(kept, 1, `${q.join(' ')}: rank ${rank} filtered out below ${key + 1}`);
      }
    }),
    { numRuns: 300 },
  );
  // Some bounds must have read the sets, or this test checks nothing of them.
  assert.ok(raised > 0);
});

test("with partial matches, a movie's lower bound never exceeds its key at the level no movie goes below", () => {
  let partial = 0;
  fc.assert(
    fc.property(withWords(2, 4), ([movies, q]) => {
      const { index, words } = planned(movies, q);
      // The level match-strategy.ts plans at: the fewest words any movie misses.
      const anyLevel = new Relevance(index.data, words, Infinity, words.length);
      const level = Math.min(
        ...Array.from({ length: index.size }, (_, rank) => anyLevel.key(rank))
          .filter((key) => key >= 0)
          .map((key) => unpackKey(key).missing),
      );
      if (!(level > 0 && level < words.length)) return;
      partial++;
      const relevance = new Relevance(index.data, words, 0, level);
      const titles = words.map((w) => new Set(members(w.title)));
      for (let rank = 0; rank < index.size; rank++) {
        const key = relevance.key(rank);
        if (key < 0) continue;
        const notInTitle = titles.filter((t) => !t.has(rank)).length;
        const bound = relevance.bound.lowerBound(rank, notInTitle);
        assert.ok(bound <= key, `${q.join(' ')} at level ${level}: rank ${rank}, bound ${bound} above key ${key}`);
      }
    }),
    { numRuns: 300 },
  );
  // Some queries must have needed partial matches, or this test checks nothing of them.
  assert.ok(partial > 0);
});
