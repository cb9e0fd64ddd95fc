import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { searchMovies } from '../../src/engine/search.js';
import { parseListRequest, searchRequestOf } from '../../src/query/parse-query.js';
import { catalogue, ranked } from '../support/ranked.js';
import { seedIndex } from '../support/seed-index.js';

/** Partial matches instead of an empty page (engine/match-strategy.ts): match=most, the default, and match=all. */

const page = (index: ReturnType<typeof catalogue>, search: string) => searchMovies(index, searchRequestOf(parseListRequest(search)));

describe('partial matches', () => {
  test('on the seed: one word no film has (`jurassic park dinosaur`) still finds Jurassic Park, and says the page is partial', () => {
    const { index } = seedIndex();
    const answer = page(index, 'q=jurassic+park+dinosaur&count=true');
    assert.equal(index.titleOf(answer.ranks[0] as number), 'Jurassic Park');
    assert.deepEqual(answer.partial, { words: 3, matched: 2 });
    assert.equal(answer.total, answer.ranks.length);
    assert.deepEqual(ranked(index, 'jurassic park dinosaur', { match: 'all' }).titles, [], 'match=all: every word or nothing');
  });

  test('only the movies matching the most words, ranked by today’s rules; count and facets count them', () => {
    const index = catalogue([
      { title: 'Red River', year: 1948, cast: ['John Wayne'] },
      { title: 'River', year: 1990, cast: ['Ann Red'] },
      { title: 'Red Dawn', year: 1984 },
      { title: 'Blue Moon', year: 2000 },
    ]);
    const answer = page(index, 'q=red+river+wayne+zorro&count=true&facets=decade');
    assert.deepEqual(
      answer.ranks.map((r) => index.titleOf(r)),
      ['Red River'],
      'three words of four: Red River alone (River and Red Dawn match two)',
    );
    assert.deepEqual(answer.partial, { words: 4, matched: 3 });
    assert.equal(answer.total, 1);
    assert.deepEqual(answer.facets?.decade, [{ value: 1940, count: 1 }]);
    const two = ranked(index, 'red river zorro');
    assert.deepEqual(two.titles, ['Red River', 'River'], 'words side by side first (rule 3), then the cast match');
    assert.ok(two.keys.every((k) => k.missing === 1));
  });

  test('a full match leaves the page as it was: no partial matches, whatever the strategy', () => {
    const index = catalogue([
      { title: 'Red River', year: 1948 },
      { title: 'Red Dawn', year: 1984 },
    ]);
    const answer = page(index, 'q=red+river&count=true');
    assert.equal(answer.partial, undefined);
    assert.equal(answer.total, 1);
  });

  test('filters decide: the level is the best under them, and a word nothing matches leaves an empty page', () => {
    const index = catalogue([
      { title: 'Red River', year: 1948 },
      { title: 'Red Dawn', year: 1984 },
    ]);
    assert.deepEqual(
      page(index, 'q=red+river&year=1984').ranks.map((r) => index.titleOf(r)),
      ['Red Dawn'],
    );
    assert.deepEqual(page(index, 'q=zorro+qqq').ranks, []);
    assert.equal(page(index, 'q=zorro+qqq').partial, undefined);
  });
});
