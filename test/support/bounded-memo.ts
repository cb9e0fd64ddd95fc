import assert from 'node:assert/strict';

/** A version's memo of answers by query, bounded in sets and in ranks over them (delta-matches.ts, delta-words.ts). */
export interface BoundedMemo<Q, A> {
  of(query: Q, find: () => A): A;
  readonly size: number;
}

/**
 * Asks `memo` each query in turn beside its model, a Map keyed by the whole query: every read answers the query's
 * own `findFor`, `find` runs only for a query the model does not hold, and the memo holds as many sets as the model,
 * which empties itself when a new answer would pass `maxSets` sets or `maxRanks` ranks (`ranksOf`), and keeps no
 * answer larger than `maxRanks`.
 */
export function assertBoundedMemo<Q, A>(
  memo: BoundedMemo<Q, A>,
  asked: readonly Q[],
  findFor: (query: Q) => A,
  ranksOf: (answer: A) => number,
  maxSets: number,
  maxRanks: number,
): void {
  const held = new Map<string, number>();
  let ranks = 0;
  for (const query of asked) {
    const key = JSON.stringify(query);
    let found = false;
    const got = memo.of(query, () => {
      found = true;
      return findFor(query);
    });
    assert.deepEqual(got, findFor(query), key);
    assert.equal(found, !held.has(key), `${key}: found again only when not held`);
    if (found) {
      const size = ranksOf(findFor(query));
      if (held.size >= maxSets || ranks + size > maxRanks) {
        held.clear();
        ranks = 0;
      }
      if (size <= maxRanks) {
        held.set(key, size);
        ranks += size;
      }
    }
    assert.equal(memo.size, held.size);
    assert.ok(memo.size <= maxSets);
  }
}
