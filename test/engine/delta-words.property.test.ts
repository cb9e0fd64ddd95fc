import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Movie } from '../../src/catalogue/movie.js';
import type { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { DeltaWordMemo, rankedSlice, wordsKey, type DeltaWords, type RankedMatches } from '../../src/engine/delta-words.js';
import type { LiveSegment } from '../../src/engine/live-segments.js';
import type { MovieQuery } from '../../src/engine/search-request.js';
import { arbitraryRequest } from '../support/arbitrary-catalogue.js';
import { versionAnd } from '../support/arbitrary-versions.js';
import type { ReferenceRequest } from '../support/reference-engine.js';
import { extractCollection } from '../support/reference-extract.js';
import { toSearch } from '../support/search-request.js';
import { referenceRanks, versionOver, walkTwice } from '../support/version-pages.js';
import { assertBoundedMemo } from '../support/bounded-memo.js';

const NEVER = (): DeltaWords => assert.fail('the memo should hold these words');

/** A request's words alone, by relevance: the memo's path (filters and other orders take the others). */
const wordsOnly = (r: ReferenceRequest): ReferenceRequest => ({ q: r.q ?? 'x', match: r.match, cast: [], genres: [], sort: 'relevance' });

/**
 * A request with `q` alone over base plus small deltas reads what the deltas hold of its words from the version's
 * memo (delta-words.ts) from its second time on. Every page, asked twice (the memo filled, then read), with and
 * without highlights, must answer as one segment of the live movies, cursors and all; and what the memo holds must
 * agree with the reference model movie by movie: `ranked` exactly when some delta has a live movie matching every
 * word, each delta's ranked matches exactly those movies, in ascending keys; otherwise `base` exactly when the base
 * has a live one; and a base answering unchecked only when none of its superseded movies matches.
 */
test("a version's remembered delta word matches answer every page of `q` as one segment, and hold each delta's live full matches", () => {
  fc.assert(
    fc.property(
      versionAnd((v) =>
        fc.tuple(
          fc.array(arbitraryRequest(v.pool).map(wordsOnly), { minLength: 1, maxLength: 4 }),
          // A word of a delta's own title, so that the deltas hold full matches in most runs.
          fc.constantFrom(...v.pool.map((m) => m.title)),
          fc.integer({ min: 1, max: 4 }),
          fc.boolean(),
          fc.boolean(),
        ),
      ),
      ([v, drawn, title, limit, folded, highlight]) => {
        const requests = [...drawn, wordsOnly({ q: title, cast: [], genres: [], sort: 'relevance' })];
        const catalogue = versionOver(v.catalogue.segments, folded);
        assert.ok(catalogue.deltaWords.applies, 'small deltas are remembered');
        const live = Array.from({ length: v.reference.size }, (_, rank) => v.reference.movie(rank));
        for (const r of requests) {
          const request = toSearch(r, limit, highlight ? { highlight: 'true' } : {});
          walkTwice(catalogue, v.reference, request, JSON.stringify(r));
          holdsReference(catalogue.deltaWords.of(request.query, NEVER), catalogue, r, live);
        }
      },
    ),
    { numRuns: 200 },
  );
});

/** What the memo holds for the request's words against the reference model, over the version's live movies. */
function holdsReference(known: DeltaWords, catalogue: CatalogueIndex, r: ReferenceRequest, live: readonly Movie[]): void {
  const collection = extractCollection(live);
  const matching = (segment: LiveSegment, superseded: boolean): number[] => referenceRanks(segment, superseded, r, collection);
  const [base, ...deltas] = catalogue.segments as [LiveSegment, ...LiveSegment[]];
  const held = deltas.map((segment) => matching(segment, false));
  const what = `${JSON.stringify(r)}: ${known.answer}`;
  if (held.some((ranks) => ranks.length > 0)) {
    assert.equal(known.answer, 'ranked', what);
    if (known.answer !== 'ranked') return;
    held.forEach((ranks, d) => assert.deepEqual(sortedRanks(known.deltas[d]), ranks, `${what}, delta ${d + 1}`));
    for (const ranked of known.deltas)
      if (ranked) assert.ok(ranked.keys.every((key, i) => i === 0 || key >= (ranked.keys[i - 1] as number)));
  } else assert.equal(known.answer, matching(base, false).length > 0 ? 'base' : 'planned', what);
  if (known.answer !== 'planned' && matching(base, true).length > 0)
    assert.ok(known.checked, `${what}: the base's superseded matches are refused`);
}

const sortedRanks = (ranked: RankedMatches | undefined): number[] => [...(ranked?.ranks ?? [])].sort((a, b) => a - b);

/** Words as the search box sends them: a few, so that they come back; some with phrases, exclusions or `match=all`. */
const words: fc.Arbitrary<MovieQuery> = fc
  .record({
    q: fc.array(fc.constantFrom('jaws', 'star', 'wars', 'a'), { minLength: 1, maxLength: 2 }),
    phrase: fc.boolean(),
    exclude: fc.boolean(),
    all: fc.boolean(),
  })
  .map(({ q, phrase, exclude, all }) => ({
    cast: [],
    genres: [],
    q,
    ...(phrase && q.length > 1 ? { phrases: [[0, q.length] as const] } : {}),
    ...(exclude ? { exclude: ['musical'] } : {}),
    ...(all ? { match: 'all' as const } : {}),
  }));

/** What finding the words would give: something that differs between word sets, with 0 to 2 ranks counted against the bound. */
function findFor(query: MovieQuery): DeltaWords {
  const key = JSON.stringify(query);
  let sum = 0;
  for (let i = 0; i < key.length; i++) sum += key.charCodeAt(i) * (i + 1);
  if (sum % 4 === 0) return { answer: 'planned' };
  if (sum % 4 === 1) return { answer: 'base', checked: sum % 8 === 1 };
  const n = sum % 3;
  const ranked = { keys: Float64Array.from({ length: n }, (_, i) => i), ranks: Int32Array.from({ length: n }, (_, i) => sum + i) };
  return { answer: 'ranked', deltas: [ranked, undefined], checked: false };
}

/**
 * The memo against a Map keyed by the whole query: every read answers its own words (phrases, exclusions and the
 * strategy telling apart sets of the same words), `find` runs only for words it does not hold, and it never holds
 * more sets or ranks than its bounds, emptying itself when full.
 */
test('the memo of delta word matches answers each query its own, within its bounds of sets and ranks', () => {
  fc.assert(
    fc.property(
      fc.array(words, { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 4 }),
      (asked, maxSets, maxRanks) => {
        const ranksOf = (answer: DeltaWords) => (answer.answer === 'ranked' ? (answer.deltas[0]?.ranks.length ?? 0) : 0);
        assertBoundedMemo(new DeltaWordMemo([], maxSets, maxRanks), asked, findFor, ranksOf, maxSets, maxRanks);
      },
    ),
    { numRuns: 300 },
  );
});

test('a slice of ranked matches starts past the cursor, stops at the bound, and holds at most the page', () => {
  const ranked: RankedMatches = { keys: Float64Array.from([1, 1, 2, 3, 3]), ranks: Int32Array.from([4, 9, 2, 0, 7]) };
  assert.deepEqual(rankedSlice(ranked, 10, Infinity, undefined).ranks, [4, 9, 2, 0, 7]);
  assert.deepEqual(rankedSlice(ranked, 2, Infinity, undefined), { ranks: [4, 9], relevance: [1, 1] });
  assert.deepEqual(rankedSlice(ranked, 10, 2, undefined).ranks, [4, 9, 2]);
  // Past (1, rank 9): the first rank past the cursor's position is 9 itself, so 9 stays.
  assert.deepEqual(rankedSlice(ranked, 10, Infinity, { key: 1, rank: 9 }).ranks, [9, 2, 0, 7]);
  assert.deepEqual(rankedSlice(ranked, 10, Infinity, { key: 3, rank: 1 }).ranks, [7]);
  assert.equal(wordsKey({ cast: [], genres: [], q: ['a', 'b'] }), wordsKey({ cast: [], genres: [], q: ['a', 'b'] }));
  assert.notEqual(wordsKey({ cast: [], genres: [], q: ['a', 'b'] }), wordsKey({ cast: [], genres: [], q: ['a', 'b'], match: 'all' }));
});
