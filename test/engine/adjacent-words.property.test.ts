import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { adjacentPairs, neighbours } from '../../src/engine/adjacent-words.js';
import { bitmap, setBit } from '../../src/engine/bits.js';

const SIZE = 24;
const lists = fc.array(fc.array(fc.integer({ min: 0, max: SIZE - 1 }), { maxLength: 6 }), { maxLength: 12 });
const ranges = fc.array(
  fc
    .tuple(fc.integer({ min: 0, max: SIZE - 1 }), fc.integer({ min: 1, max: 4 }))
    .map(([lo, n]): [number, number] => [lo, Math.min(SIZE, lo + n)]),
  { maxLength: 4 },
);

/** The lists as one CSR, as titleWords and nameWords hold them. */
function ragged(words: readonly (readonly number[])[]): { values: Int32Array; offsets: Int32Array } {
  const offsets = [0];
  for (const list of words) offsets.push((offsets[offsets.length - 1] as number) + list.length);
  return { values: Int32Array.from(words.flat()), offsets: Int32Array.from(offsets) };
}

test("a word's neighbour lists are the distinct words right after and right before it, ascending", () => {
  fc.assert(
    fc.property(lists, (words) => {
      const { values, offsets } = ragged(words);
      const found = neighbours(values, offsets, SIZE);
      for (let id = 0; id < SIZE; id++) {
        const next = new Set<number>();
        const previous = new Set<number>();
        for (const list of words)
          for (let p = 0; p + 1 < list.length; p++) {
            if (list[p] === id) next.add(list[p + 1] as number);
            if (list[p + 1] === id) previous.add(list[p] as number);
          }
        const read = (offs: Int32Array, vals: Int32Array) => [...vals.subarray(offs[id], offs[id + 1])];
        assert.deepEqual(
          read(found.nextOffsets, found.next),
          [...next].sort((a, b) => a - b),
          `after ${id}`,
        );
        assert.deepEqual(
          read(found.previousOffsets, found.previous),
          [...previous].sort((a, b) => a - b),
          `before ${id}`,
        );
      }
    }),
    { numRuns: 500 },
  );
});

test('adjacentPairs finds a pair when a word of the left ranges is right before one of the right ranges in some list', () => {
  fc.assert(
    fc.property(lists, ranges, ranges, (words, left, right) => {
      const { values, offsets } = ragged(words);
      const mark = (rs: readonly (readonly [number, number])[]) => {
        const bits = bitmap(SIZE);
        for (const [lo, hi] of rs) for (let id = lo; id < hi; id++) setBit(bits, id);
        return bits;
      };
      const inRanges = (rs: readonly (readonly [number, number])[], id: number) => rs.some(([lo, hi]) => id >= lo && id < hi);
      const expected = words.some((list) =>
        list.some((id, p) => p + 1 < list.length && inRanges(left, id) && inRanges(right, list[p + 1] as number)),
      );
      const pairs = new Set<string>();
      adjacentPairs(neighbours(values, offsets, SIZE), mark(left), left, mark(right), right, (a, b) => {
        pairs.add(`${a} ${b}`);
        return false;
      });
      const adjacent = new Set(
        words.flatMap((list) =>
          list.flatMap((id, p) => {
            const next = list[p + 1];
            return next !== undefined && inRanges(left, id) && inRanges(right, next) ? [`${id} ${next}`] : [];
          }),
        ),
      );
      assert.deepEqual(pairs, adjacent);
      assert.equal(
        adjacentPairs(neighbours(values, offsets, SIZE), mark(left), left, mark(right), right, () => true),
        expected,
      );
    }),
    { numRuns: 2000 },
  );
});

test('a vocabulary past 2^26 words is refused, not paired into ids that share bits', () => {
  assert.throws(() => neighbours(new Int32Array(0), new Int32Array([0]), 2 ** 26 + 1), RangeError);
  assert.equal(neighbours(new Int32Array([1, 0]), new Int32Array([0, 2]), 2).next[0], 0);
});
