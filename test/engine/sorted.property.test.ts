import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findSorted, gallop, indexOfSorted, partitionPoint, uniqueSorted, upperBound } from '../../src/engine/sorted.js';

/** Ascending values with repeats, over a small range so that searched values often hit. */
const ascending = fc.array(fc.integer({ min: -20, max: 60 }), { maxLength: 60 }).map((a) => Int32Array.from(a.sort((x, y) => x - y)));
const distinct = ascending.map((a) => Int32Array.from(new Set(a)));
const value = fc.integer({ min: -25, max: 65 });

/** The first index in [from, to) where `test` holds, or `to`: the naive scan each search must agree with. */
function firstFrom(from: number, to: number, holds: (i: number) => boolean): number {
  let i = from;
  while (i < to && !holds(i)) i++;
  return i;
}

test('upperBound finds the first index above a value', () => {
  fc.assert(
    fc.property(ascending, value, (a, v) => {
      assert.equal(
        upperBound(a, v),
        firstFrom(0, a.length, (i) => (a[i] as number) > v),
      );
    }),
  );
});

test('indexOfSorted finds a value of an array without repeats, and -1 for one it lacks', () => {
  fc.assert(
    fc.property(distinct, value, (a, v) => {
      assert.equal(indexOfSorted(a, v), a.indexOf(v));
    }),
  );
});

test('findSorted finds an entry by its comparison with what is sought, and -1 when none compares equal', () => {
  fc.assert(
    fc.property(distinct, value, fc.nat(70), fc.nat(70), (a, v, x, y) => {
      const lo = Math.min(x, y, a.length);
      const hi = Math.min(Math.max(x, y), a.length);
      const at = a.indexOf(v);
      assert.equal(
        findSorted(lo, hi, (i) => (a[i] as number) - v),
        at >= lo && at < hi ? at : -1,
      );
    }),
  );
});

test('partitionPoint finds where a predicate over a range turns false', () => {
  fc.assert(
    fc.property(fc.nat(50), fc.nat(50), fc.nat(60), (lo, length, flip) => {
      const before = (i: number) => i < flip;
      assert.equal(
        partitionPoint(lo, lo + length, before),
        firstFrom(lo, lo + length, (i) => !before(i)),
      );
    }),
  );
});

test('gallop finds the first index at or after `from` whose value is >= target', () => {
  fc.assert(
    fc.property(ascending, fc.nat(70), value, (a, from, target) => {
      const start = Math.min(from, a.length);
      assert.equal(
        gallop(a, start, target),
        firstFrom(start, a.length, (i) => (a[i] as number) >= target),
      );
    }),
  );
});

test('uniqueSorted keeps each value of an ascending array once, in order', () => {
  fc.assert(
    fc.property(ascending, (a) => {
      assert.deepEqual([...uniqueSorted(Int32Array.from(a))], [...new Set(a)]);
    }),
  );
});
