import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFacets, formatTotal } from '../../src/cli/format-facets.js';

test('a facet per line, values lined up under the first when a line wraps at the width', () => {
  const text = formatFacets(
    {
      genre: [
        { value: 'Drama', count: 8744 },
        { value: 'Comedy', count: 7000 },
        { value: 'Western', count: 12 },
      ],
      decade: [{ value: 1990, count: 3 }],
      cast: [],
    },
    36,
  );
  assert.equal(text, ['genre:  Drama 8744 · Comedy 7000 ·', '        Western 12', 'decade: 1990s 3', 'cast:   (none)'].join('\n'));
  for (const line of text.split('\n')) assert.ok(line.length <= 36, line);
});

test('a value longer than the width still gets a line of its own', () => {
  assert.equal(
    formatFacets(
      {
        cast: [
          { value: 'A Very Long Name Indeed', count: 2 },
          { value: 'B', count: 1 },
        ],
      },
      10,
    ),
    'cast: A Very Long Name Indeed 2 ·\n      B 1',
  );
});

test('the total reads as a count of matches', () => {
  assert.deepEqual([formatTotal(0), formatTotal(1), formatTotal(8744)], ['0 matches', '1 match', '8744 matches']);
});
