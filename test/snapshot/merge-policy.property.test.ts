import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decideMerge,
  MAX_DELTAS,
  MAX_DELTA_SHARE,
  MERGE_FACTOR,
  MIN_BASE_FOR_SHARE,
  TIER_FLOOR,
  tierOf,
} from '../../src/snapshot/merge-policy.js';

/**
 * The policy driven as the ingestion run drives it: each run appends a delta of its size, then the
 * run carries out decisions until the policy says none. Whatever the sizes, the deltas stay few,
 * stay under their share of the base, no two small deltas are left side by side, and merging costs
 * a bounded number of rewrites per record plus at most one small delta per run.
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
        // What folding small deltas into one rewrote: at most one small delta per run.
        let folded = 0;
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
              const merging = deltas.slice(decision.from);
              const small = merging.length === 2 && merging.every((d) => tierOf(d) === 0);
              assert.ok(small || merging.length === MERGE_FACTOR, `merging ${merging.join(', ')}`);
              if (small) folded += merging[0] as number;
              const merged = deltas.slice(decision.from).reduce((a, b) => a + b, 0);
              rewritten += merged;
              deltas = [...deltas.slice(0, decision.from), merged];
            }
          }
          assert.ok(deltas.length <= MAX_DELTAS, `${deltas.length} deltas`);
          const [older, newest] = deltas.slice(-2);
          assert.ok(older === undefined || newest === undefined || tierOf(older) > 0 || tierOf(newest) > 0, 'two small deltas left');
          assert.ok(deltas.reduce((a, b) => a + b, 0) <= MAX_DELTA_SHARE * Math.max(base, MIN_BASE_FOR_SHARE));
        }
        // Tiered merging rewrites a record about once per tier it climbs (a handful), never once per
        // run; folding small deltas rewrites under TIER_FLOOR entries per run.
        assert.ok(folded <= runs.length * TIER_FLOOR, `folding rewrote ${folded} entries in ${runs.length} runs`);
        if (written > 0) {
          const tiered = rewritten - folded;
          assert.ok(tiered / written <= 8, `each record rewritten ${(tiered / written).toFixed(1)} times by tiered merges`);
        }
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
  // Two small deltas side by side are folded into one at once.
  assert.deepEqual(decideMerge({ entries: 100_000 }, [{ entries: 5 }, { entries: 1 }]), { kind: 'deltas', from: 0 });
  assert.deepEqual(decideMerge({ entries: 100_000 }, [{ entries: 5_000 }, { entries: 1 }]), { kind: 'none' });
  // Above the first tier, MERGE_FACTOR deltas of one tier are merged.
  const tierOne = { entries: 2_000 };
  assert.deepEqual(decideMerge({ entries: 100_000 }, [tierOne, tierOne, tierOne]), { kind: 'none' });
  assert.deepEqual(decideMerge({ entries: 100_000 }, [tierOne, tierOne, tierOne, tierOne]), { kind: 'deltas', from: 0 });
  assert.deepEqual(decideMerge({ entries: 100_000 }, [{ entries: 20_000 }]), { kind: 'base' });
});
