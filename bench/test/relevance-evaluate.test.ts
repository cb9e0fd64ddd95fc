import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { measureLatency, rankOf, scoreRelevance, type Ranked } from '../relevance/evaluate.js';
import type { QueryKind, RelevanceQuery } from '../relevance/relevance-set.js';

const target = { title: 'Target', year: 2000 };
const other = (n: number): Ranked => ({ title: `Other ${n}`, year: 1990 + n });
const others = (count: number): Ranked[] => Array.from({ length: count }, (_, i) => other(i));

function query(q: string, within: 1 | 3, kind: QueryKind): RelevanceQuery {
  return { q, expect: target, within, kind, why: 'test' };
}

// Six queries with hand-placed results; the expected numbers below are worked out by hand from this table.
const queries = [
  query('first', 1, 'typo'), // rank 1, target met
  query('second', 1, 'typo'), // rank 2, within 1 missed
  query('third', 3, 'prefix'), // rank 3, within 3 met
  query('near misses', 3, 'prefix'), // same title other year, other case: absent
  query('too deep', 3, 'accents'), // rank 11: beyond the first 10, absent
  query('tenth', 1, 'numbers'), // rank 10
];
const pages: Record<string, readonly Ranked[]> = {
  first: [target, ...others(4)],
  second: [other(0), target, other(1)],
  third: [other(0), other(1), target],
  'near misses': [{ title: 'Target', year: 1999 }, { title: 'target', year: 2000 }, other(2)],
  'too deep': [...others(10), target],
  tenth: [...others(9), target],
};

/** Answers from the table, asynchronously for half the queries, as an HTTP-backed contender would. */
function fakeSearch(q: string): Promise<readonly Ranked[]> | readonly Ranked[] {
  const page = pages[q];
  if (page === undefined) throw new Error(`no page for ${q}`);
  return q.length % 2 === 0 ? Promise.resolve(page) : page;
}

describe('relevance scoring', () => {
  test('rankOf matches title and year exactly and looks only at the first 10', () => {
    assert.equal(rankOf([other(0), target], target), 2);
    assert.equal(rankOf([{ title: 'Target', year: 2001 }], target), null);
    assert.equal(rankOf([{ title: 'TARGET', year: 2000 }], target), null);
    assert.equal(rankOf([...others(10), target], target), null);
    assert.equal(rankOf([], target), null);
  });

  test('top-1, top-3, MRR and targets met over all queries and per kind', async () => {
    const score = await scoreRelevance(queries, fakeSearch);
    assert.deepEqual(
      score.outcomes.map((o) => [o.query.q, o.rank, o.met]),
      [
        ['first', 1, true],
        ['second', 2, false],
        ['third', 3, true],
        ['near misses', null, false],
        ['too deep', null, false],
        ['tenth', 10, false],
      ],
    );
    const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);
    assert.equal(score.overall.queries, 6);
    close(score.overall.top1, 1 / 6);
    close(score.overall.top3, 3 / 6);
    close(score.overall.mrr, (1 + 1 / 2 + 1 / 3 + 1 / 10) / 6);
    close(score.overall.targetsMet, 2 / 6);

    assert.deepEqual([...score.perKind.keys()], ['typo', 'prefix', 'accents', 'numbers']);
    assert.deepEqual(score.perKind.get('typo'), { queries: 2, top1: 0.5, top3: 1, mrr: 0.75, targetsMet: 0.5 });
    const prefix = score.perKind.get('prefix');
    assert.ok(prefix);
    assert.equal(prefix.top1, 0);
    assert.equal(prefix.top3, 0.5);
    close(prefix.mrr, 1 / 6);
    assert.equal(prefix.targetsMet, 0.5);
    assert.deepEqual(score.perKind.get('accents'), { queries: 1, top1: 0, top3: 0, mrr: 0, targetsMet: 0 });
    assert.deepEqual(score.perKind.get('numbers'), { queries: 1, top1: 0, top3: 0, mrr: 0.1, targetsMet: 0 });
  });

  test('an empty set scores NaN rather than a perfect or a zero score', async () => {
    const score = await scoreRelevance([], fakeSearch);
    assert.equal(score.overall.queries, 0);
    assert.ok(Number.isNaN(score.overall.top3));
    assert.equal(score.perKind.size, 0);
  });
});

describe('latency', () => {
  test('warms up untimed, then times every call of every round', async () => {
    let calls = 0;
    const counting = (q: string) => {
      calls++;
      return fakeSearch(q);
    };
    const latency = await measureLatency(queries, counting, { warmupRounds: 2, rounds: 3 });
    assert.equal(calls, 5 * queries.length);
    assert.equal(latency.samples, 3 * queries.length);
    assert.ok(latency.p50Us >= 0 && latency.p50Us <= latency.p99Us);
  });

  test('an asynchronous search is timed until its promise settles', async () => {
    // One query in six waits 5 ms, so it is the 99th percentile; timers never fire much early, whatever the load.
    const slowOnce = async (q: string) => {
      if (q === 'first') await sleep(5);
      return fakeSearch(q);
    };
    const latency = await measureLatency(queries, slowOnce, { warmupRounds: 0, rounds: 2 });
    assert.ok(latency.p99Us >= 3000, `p99 ${latency.p99Us} µs`);
  });
});
