import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringTable } from '../../src/engine/build/buffers.js';
import { titleSort } from '../../src/engine/build/orders.js';
import { compareCodePoints } from '../../src/engine/string-table.js';

// The build sorts titles by the bytes of their table, not as strings: it must be the code point order all the same.
// U+FB01 (3 bytes of UTF-8, one UTF-16 unit above the surrogates) and U+1D538 (4 bytes, a surrogate pair) are where
// UTF-16 order and code point order part.
const letter = fc.constantFrom('a', 'b', ' ', 'é', '\ufb01', '𝔸');
const title = fc.array(letter, { maxLength: 6 }).map((l) => l.join(''));

test('titles sorted from their string table are in code point order, ties by rank, equal titles one group', () => {
  fc.assert(
    fc.property(fc.array(title, { maxLength: 40 }), (titles) => {
      const { titleOrder, titleGroupStarts, titleGroup } = titleSort(stringTable(titles));
      const expected = titles.map((_, rank) => rank).sort((a, b) => compareCodePoints(titles[a]!, titles[b]!) || a - b);
      assert.deepEqual([...titleOrder], expected);
      const starts = expected.flatMap((rank, at) => (at === 0 || titles[rank] !== titles[expected[at - 1]!] ? [at] : []));
      assert.deepEqual([...titleGroupStarts], [...starts, titles.length]);
      expected.forEach((rank, at) => assert.equal(titleGroup[rank], starts.filter((s) => s <= at).length - 1));
    }),
    { numRuns: 1000 },
  );
});
