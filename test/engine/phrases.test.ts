import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQText } from '../../src/query/q-text.js';
import { catalogue, ranked } from '../support/ranked.js';
import { seedIndex } from '../support/seed-index.js';

/** Phrases and exclusions of `q` (query/q-text.ts, engine/phrases.ts). */

describe('phrases and exclusions', () => {
  test('q text: quoted words are a phrase, a leading minus excludes, a minus inside a word is punctuation', () => {
    assert.deepEqual(parseQText('star wars "new hope" -musical'), {
      words: ['star', 'wars', 'new', 'hope'],
      phrases: [[2, 4]],
      exclude: ['musical'],
    });
    assert.deepEqual(parseQText('spider-man "unclosed phrase'), {
      words: ['spider', 'man', 'unclosed', 'phrase'],
      phrases: [[2, 4]],
      exclude: [],
    });
    assert.deepEqual(parseQText('"one" -'), { words: ['one'], phrases: [], exclude: [] });
  });

  test('a phrase needs its words side by side and in order, in the title or one cast name; typos still count', () => {
    const index = catalogue([
      { title: 'A New Hope', year: 1977 },
      { title: 'Hope Is New', year: 1990 },
      { title: 'New Dawn', year: 1991, cast: ['Hope Lange'] },
      { title: 'Dawn', year: 1992, cast: ['Tom New', 'Hope Davis'] },
    ]);
    assert.deepEqual(ranked(index, 'new hope').titles.length, 4);
    assert.deepEqual(ranked(index, '"new hope"').titles, ['A New Hope']);
    assert.deepEqual(ranked(index, '"new hoep"', { match: 'all' }).titles, [], 'hope has four letters: no typo');
    assert.deepEqual(ranked(index, '"hope lange"').titles, ['New Dawn'], 'inside one cast name');
    assert.deepEqual(ranked(index, '"new hop"').titles, ['A New Hope'], 'the last word still a prefix');
  });

  test('an excluded word drops every movie with it, exactly: no typo, no prefix', () => {
    const index = catalogue([
      { title: 'Love Story', year: 1970 },
      { title: 'Love Musical', year: 1971 },
      { title: 'Love Musicals', year: 1972 },
      { title: 'Love Songs', year: 1973, cast: ['Ann Musical'] },
    ]);
    assert.deepEqual(ranked(index, 'love -musical').titles, ['Love Musicals', 'Love Story']);
    assert.deepEqual(ranked(index, '-musical').titles, ['Love Musicals', 'Love Story'], 'with no other word, a filter');
  });

  test('on the seed: `"new hope"` and `star wars -clones`', () => {
    const { index } = seedIndex();
    assert.ok(ranked(index, '"new hope"').titles.includes('Star Wars Episode IV: A New Hope (aka Star Wars)'));
    const wars = ranked(index, 'star wars -clones').titles;
    assert.ok(wars.length > 5);
    assert.ok(wars.every((t) => !/\bclones\b/i.test(t)));
  });
});
