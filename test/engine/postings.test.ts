import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gallop, intersect } from '../../src/engine/postings.js';

const sortedSet = fc.uniqueArray(fc.nat(300), { maxLength: 120 }).map((a) => Int32Array.from(a.sort((x, y) => x - y)));

test('gallop finds the first index at or after `from` whose value is >= target', () => {
  fc.assert(
    fc.property(sortedSet, fc.nat(130), fc.integer({ min: -5, max: 320 }), (list, from, target) => {
      const start = Math.min(from, list.length);
      let expected = start;
      while (expected < list.length && (list[expected] as number) < target) expected++;
      assert.equal(gallop(list, start, target), expected);
    }),
  );
});

test('intersect equals the naive intersection within the range, truncated to `want`', () => {
  fc.assert(
    fc.property(
      fc.array(sortedSet, { maxLength: 4 }),
      fc.nat(320),
      fc.nat(320),
      fc.integer({ min: 1, max: 50 }),
      fc.nat(6),
      (lists, a, b, want, mod) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const accept = mod === 0 ? undefined : (r: number) => r % (mod + 1) !== 0;
        const expected: number[] = [];
        for (let r = lo; r < hi && expected.length < want; r++) {
          if (lists.every((l) => l.includes(r)) && (!accept || accept(r))) expected.push(r);
        }
        assert.deepEqual(intersect(lists, lo, hi, want, accept), expected);
      },
    ),
    { numRuns: 500 },
  );
});
