import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { numberEquivalents } from '../../src/engine/numbers.js';
import { catalogue, ranked } from '../support/ranked.js';
import { seedIndex } from '../support/seed-index.js';

/** Numbers however they are written (engine/numbers.ts): arabic, Roman, words, ordinals; the form typed first. */

const first = (q: string) => ranked(seedIndex().index, q).titles[0];

describe('numbers however they are written', () => {
  test('each spelling of a number up to 20 knows the others', () => {
    assert.deepEqual([...numberEquivalents('2')].sort(), ['2nd', 'ii', 'second', 'two']);
    assert.deepEqual([...numberEquivalents('xiv')].sort(), ['14', '14th', 'fourteen', 'fourteenth']);
    assert.deepEqual([...numberEquivalents('twentieth')].sort(), ['20', '20th', 'twenty', 'xx']);
    assert.deepEqual(numberEquivalents('21'), []);
    assert.deepEqual(numberEquivalents('godfather'), []);
  });

  test('on the seed: `superman 2`, `police academy four`, `toy story two`, `rocky 3` and `rocky iii`', () => {
    assert.equal(first('superman 2'), 'Superman II');
    assert.equal(first('police academy four'), 'Police Academy 4: Citizens on Patrol');
    assert.equal(first('toy story two'), 'Toy Story 2');
    assert.equal(first('rocky 3'), 'Rocky III');
    assert.equal(first('rocky iii'), 'Rocky III');
  });

  test('the exact form ranks above an equivalent one, which counts one typo', () => {
    const index = catalogue([
      { title: 'Part Two', year: 2005 },
      { title: 'Part II', year: 2004 },
      { title: 'Part 2', year: 2000 },
      { title: 'Second Part', year: 2003 },
    ]);
    const { titles, keys } = ranked(index, 'part 2');
    assert.equal(titles[0], 'Part 2');
    assert.deepEqual(
      keys.map((k) => k.typos),
      [0, 1, 1, 1],
    );
    assert.equal(ranked(index, 'part two').titles[0], 'Part Two');
    assert.equal(ranked(index, 'part ii').titles[0], 'Part II');
  });
});
