import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compactNow,
  decideMerge,
  deferredWhileBatchesFollow,
  MAX_DELTAS,
  MAX_DELTA_SHARE,
  MERGE_FACTOR,
  MIN_BASE_FOR_SHARE,
  tierOf,
} from '../../src/snapshot/merge-policy.js';

/**
 * The policy driven as the ingestion run drives it: each run appends a delta of its size, then the
 * run carries out decisions until the policy says none. Whatever the sizes, the deltas stay few,
 * stay under their share of the base, and every record is rewritten a bounded number of times.
 */
test('with runs of any size, deltas stay within their bounds and merging stays cheap per record', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2_000_000 }),
      fc.array(fc.integer({ min: 1, max: 20_000 }), { maxLength: 300 }),
      (baseSize, runs) => {
        let base = baseSize;
        let deltas: number[] = [];
        let written = 0;
        let rewritten = 0;
        for (const size of runs) {
          deltas.push(size);
          written += size;
          for (let step = 0; ; step++) {
            assert.ok(step < 100, 'decisions converge');
            const decision = decideMerge(
              { entries: base },
              deltas.map((entries) => ({ entries })),
            );
            if (decision.kind === 'none') break;
            if (decision.kind === 'base') {
              base += deltas.reduce((a, b) => a + b, 0);
              deltas = [];
            } else {
              assert.equal(deltas.length - decision.from, MERGE_FACTOR);
              const merged = deltas.slice(decision.from).reduce((a, b) => a + b, 0);
              rewritten += merged;
              deltas = [...deltas.slice(0, decision.from), merged];
            }
          }
          assert.ok(deltas.length <= MAX_DELTAS, `${deltas.length} deltas`);
          assert.ok(deltas.reduce((a, b) => a + b, 0) <= MAX_DELTA_SHARE * Math.max(base, MIN_BASE_FOR_SHARE));
        }
        // Tiered merging rewrites a record about once per tier it climbs (a handful), never once per run.
        if (written > 0)
          assert.ok(rewritten / written <= 8, `each record rewritten ${(rewritten / written).toFixed(1)} times by delta merges`);
      },
    ),
    { numRuns: 300 },
  );
});

test('tiers: everything under the floor is one tier, then a factor apart', () => {
  assert.equal(tierOf(1), 0);
  assert.equal(tierOf(1023), 0);
  assert.equal(tierOf(1024), 1);
  assert.equal(tierOf(1024 * MERGE_FACTOR - 1), 1);
  assert.equal(tierOf(1024 * MERGE_FACTOR), 2);
  assert.deepEqual(decideMerge({ entries: 100_000 }, [{ entries: 5 }, { entries: 1 }, { entries: 1 }]), { kind: 'none' });
  assert.deepEqual(decideMerge({ entries: 100_000 }, [{ entries: 5 }, { entries: 1 }, { entries: 1 }, { entries: 1 }]), {
    kind: 'deltas',
    from: 0,
  });
  assert.deepEqual(decideMerge({ entries: 100_000 }, [{ entries: 20_000 }]), { kind: 'base' });
});

test('while batches follow, a merge waits unless the deltas are past their count bound, then the policy decides', () => {
  const deltas = (n: number) => Array.from({ length: n }, () => ({ entries: 1 }));
  const deferred = deferredWhileBatchesFollow(compactNow);
  assert.deepEqual(deferred({ entries: 10 }, deltas(1)), { kind: 'none' });
  assert.deepEqual(deferred({ entries: 10 }, deltas(MAX_DELTAS)), { kind: 'none' });
  assert.deepEqual(deferred({ entries: 10 }, deltas(MAX_DELTAS + 1)), { kind: 'base' });
  // Past the bound it is the policy's own answer, not always a new base.
  assert.deepEqual(deferredWhileBatchesFollow(() => ({ kind: 'deltas', from: 3 }))({ entries: 10 }, deltas(MAX_DELTAS + 1)), {
    kind: 'deltas',
    from: 3,
  });
});
