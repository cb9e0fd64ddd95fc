import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogue, ranked } from '../support/ranked.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * Words written together or apart (engine/joins.ts): one query word for two adjacent words of a
 * title or cast name, two query words for one; the reading counts one typo more than the words
 * as typed (rule 1), typos apply to the joined form by its length.
 */

const first = (q: string) => ranked(seedIndex().index, q).titles[0];

describe('one word for two', () => {
  test('on the seed: `ironman`, `spiderman`, `xmen` find the films whose titles write them apart', () => {
    assert.equal(first('ironman'), 'Iron Man');
    assert.equal(first('spiderman'), 'Spider-Man');
    assert.equal(first('xmen'), 'X-Men');
  });

  test('the two words must be adjacent and in that order', () => {
    const index = catalogue([
      { title: 'Iron Man', year: 2000 },
      { title: 'Man of Iron', year: 2001 },
      { title: 'The Man, Iron', year: 2002 },
    ]);
    assert.deepEqual(ranked(index, 'ironman returns', { match: 'all' }).titles, [], 'no title has the words side by side and `returns`');
    const { titles } = ranked(index, 'ironman');
    assert.equal(titles[0], 'Iron Man');
    assert.ok(!titles.includes('Man of Iron'));
  });

  test('typos by the joined length: `ironmen` (7 letters, one typo) finds Iron Man, one typo more than `ironman`', () => {
    const index = catalogue([{ title: 'Iron Man', year: 2000 }]);
    assert.equal(ranked(index, 'ironman').keys[0]?.typos, 1);
    assert.equal(ranked(index, 'ironmen').keys[0]?.typos, 2);
    assert.deepEqual(ranked(index, 'irnmnn').titles, [], 'two typos are too many for 6 letters');
  });

  test('the word as typed ranks before the split reading, and the split spans its two title words (rules 3 and 4)', () => {
    const index = catalogue([
      { title: 'Iron Man Returns', year: 2001 },
      { title: 'Ironman Returns', year: 1990 },
    ]);
    const { titles, keys } = ranked(index, 'ironman returns');
    assert.deepEqual(titles, ['Ironman Returns', 'Iron Man Returns']);
    assert.deepEqual(keys[1], { missing: 0, typos: 1, castOnly: 0, apart: 0, unmatched: 0, prefixOnly: 0 });
  });

  test('two words of one cast name: `deniro` finds Robert De Niro', () => {
    const index = catalogue([
      { title: 'Heat', year: 1995, cast: ['Al Pacino', 'Robert De Niro'] },
      { title: 'Niro', year: 1996, cast: ['De Palma'] },
    ]);
    const { titles, keys } = ranked(index, 'deniro');
    assert.deepEqual(titles, ['Heat']);
    assert.equal(keys[0]?.castOnly, 1);
  });
});

describe('two words for one', () => {
  test('on the seed: `bat man` finds Batman', () => {
    assert.equal(first('bat man'), 'Batman');
  });

  test('the words as typed rank first; joined, they sit side by side in their one word', () => {
    const index = catalogue([
      { title: 'Batman', year: 2001 },
      { title: 'The Bat Man', year: 1990 },
    ]);
    const { titles, keys } = ranked(index, 'bat man');
    assert.deepEqual(titles, ['The Bat Man', 'Batman']);
    // Each of the two words read as the one word counts one typo.
    assert.deepEqual(keys[1], { missing: 0, typos: 2, castOnly: 0, apart: 0, unmatched: 0, prefixOnly: 0 });
  });

  test('a join never drops a whole word to its typos: `superman 2` is not Superman', () => {
    const index = catalogue([{ title: 'Superman', year: 1978 }]);
    assert.deepEqual(ranked(index, 'superman 2', { match: 'all' }).titles, []);
  });

  test('hyphens and apostrophes are never in the way', () => {
    const index = catalogue([
      { title: 'Spider-Man', year: 2002 },
      { title: "Schindler's List", year: 1993 },
    ]);
    for (const q of ['spider-man', 'spider man', 'spiderman']) assert.deepEqual(ranked(index, q).titles, ['Spider-Man'], q);
    for (const q of ["schindler's list", 'schindlers list']) assert.deepEqual(ranked(index, q).titles, ["Schindler's List"], q);
  });
});
