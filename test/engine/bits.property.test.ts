import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bitmap, bitmapMembers, clearBit, countBits, fillBits, hasBit, popcount, setBit } from '../../src/engine/bits.js';

const SIZE = 300;
const members = fc.uniqueArray(fc.nat(SIZE - 1), { maxLength: 120 });

test('a bitmap holds exactly the members set, lists them ascending and counts them', () => {
  fc.assert(
    fc.property(members, (set) => {
      const bits = bitmap(SIZE);
      for (const m of set) setBit(bits, m);
      const model = new Set(set);
      for (let i = 0; i < SIZE; i++) assert.equal(hasBit(bits, i), model.has(i), `member ${i}`);
      const ascending = [...set].sort((a, b) => a - b);
      assert.equal(countBits(bits), set.length);
      assert.deepEqual([...bitmapMembers(bits, set.length)], ascending);
      // With room to spare (an upper bound on the count), the same members and no more.
      assert.deepEqual([...bitmapMembers(bits, set.length + 7)], ascending);
    }),
  );
});

test('popcount counts the bits of any 32-bit integer, the sign bit included', () => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (x) => {
      const naive = [...(x >>> 0).toString(2)].filter((b) => b === '1').length;
      assert.equal(popcount(x), naive);
    }),
  );
});

test('ranges of bits set and cleared again leave exactly what a set of members would', () => {
  const span = fc.tuple(fc.nat(SIZE), fc.nat(SIZE)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
  const step = fc.oneof(
    fc.tuple(fc.constant('fill' as const), span, fc.boolean()),
    fc.tuple(fc.constant('bit' as const), fc.nat(SIZE - 1), fc.boolean()),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
      const bits = bitmap(SIZE);
      const model = new Set<number>();
      for (const [kind, at, on] of steps) {
        const [lo, hi] = kind === 'fill' ? at : [at, at + 1];
        if (kind === 'fill') fillBits(bits, lo, hi, on);
        else (on ? setBit : clearBit)(bits, lo);
        for (let i = lo; i < hi; i++) {
          if (on) model.add(i);
          else model.delete(i);
        }
      }
      for (let i = 0; i <= SIZE; i++) assert.equal(hasBit(bits, i), model.has(i), `bit ${i}`);
    }),
  );
});
