import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { and, count, cursor, END, list, members, range, union, unionOfLists, type DocSet } from '../../src/engine/doc-set.js';

const SIZE = 400;
const sortedSet = fc.uniqueArray(fc.nat(SIZE - 1), { maxLength: 150 }).map((a) => Int32Array.from(a.sort((x, y) => x - y)));

/** Sets built from every kind of piece, with the members a naive model says they have. */
const docSet: fc.Arbitrary<{ set: DocSet; model: Set<number> }> = fc.letrec<{ node: { set: DocSet; model: Set<number> } }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    sortedSet.map((ranks) => ({ set: list(ranks), model: new Set(ranks) })),
    fc.tuple(fc.nat(SIZE), fc.nat(SIZE)).map(([a, b]) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      return { set: range(lo, hi), model: new Set(Array.from({ length: hi - lo }, (_, i) => lo + i)) };
    }),
    // Many lists: merged into a sorted list or a bitmap depending on their size.
    fc
      .array(sortedSet, { minLength: 5, maxLength: 9 })
      .map((lists) => ({ set: unionOfLists(lists, SIZE), model: new Set(lists.flatMap((l) => [...l])) })),
    fc
      .array(tie('node'), { minLength: 1, maxLength: 3 })
      .map((parts) => ({ set: union(parts.map((p) => p.set)), model: new Set(parts.flatMap((p) => [...p.model])) })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((parts) => ({
      set: and(parts.map((p) => p.set)),
      model: new Set([...(parts[0] as { model: Set<number> }).model].filter((r) => parts.every((p) => p.model.has(r)))),
    })),
  ),
})).node;

test('every kind of set, read through its cursor, has exactly the members of the naive model, ascending', () => {
  fc.assert(
    fc.property(docSet, ({ set, model }) => {
      const expected = [...model].sort((a, b) => a - b);
      assert.deepEqual([...members(set)], expected);
      assert.equal(count(set), expected.length);
    }),
    { numRuns: 800 },
  );
});

test('unions of lists alone, nested, and their intersections have the members of the naive model (read list by list)', () => {
  // Lists that overlap, so that a merge must keep each member once and an intersection finds members in any of them.
  const lists = fc.array(sortedSet, { minLength: 1, maxLength: 5 });
  const unionOf = (ls: Int32Array[], nested: boolean): DocSet =>
    nested && ls.length > 2 ? union([list(ls[0] as Int32Array), union(ls.slice(1).map(list))]) : union(ls.map(list));
  fc.assert(
    fc.property(lists, lists, fc.boolean(), fc.boolean(), (a, b, nestA, nestB) => {
      const modelA = new Set(a.flatMap((l) => [...l]));
      const modelB = new Set(b.flatMap((l) => [...l]));
      assert.deepEqual(
        [...members(unionOf(a, nestA))],
        [...modelA].sort((x, y) => x - y),
      );
      const both = [...modelA].filter((r) => modelB.has(r)).sort((x, y) => x - y);
      assert.deepEqual([...members(and([unionOf(a, nestA), unionOf(b, nestB)]))], both);
    }),
    { numRuns: 500 },
  );
});

test('seek answers the first member at or after any rising sequence of targets, END past the last', () => {
  fc.assert(
    fc.property(docSet, fc.array(fc.nat(SIZE + 10), { maxLength: 30 }), ({ set, model }, targets) => {
      const c = cursor(set);
      const sorted = [...model].sort((a, b) => a - b);
      for (const target of [...targets].sort((a, b) => a - b)) {
        assert.equal(c.seek(target), sorted.find((r) => r >= target) ?? END, `seek(${target})`);
      }
    }),
    { numRuns: 800 },
  );
});

test('members and count within [lo, hi) keep to the window', () => {
  fc.assert(
    fc.property(docSet, fc.nat(SIZE), fc.nat(SIZE), ({ set, model }, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const expected = [...model].filter((r) => r >= lo && r < hi).sort((x, y) => x - y);
      assert.deepEqual([...members(set, lo, hi)], expected);
      assert.equal(count(set, lo, hi), expected.length);
    }),
  );
});
