import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { searchMovies } from '../../src/engine/search.js';
import { Synonyms } from '../../src/engine/synonyms.js';
import { parseListRequest, searchRequestOf } from '../../src/query/parse-query.js';
import { catalogue, ranked } from '../support/ranked.js';

/**
 * Synonyms an operator sets (engine/synonyms.ts), the examples of docs/api.md: a one-way root, a
 * multi-way group, typos on the query side, the ranking below the words as typed, highlights.
 */

const synonyms = Synonyms.of([{ root: 'lotr', synonyms: ['lord of the rings'] }, { synonyms: ['sci-fi', 'science fiction'] }]);

const films = catalogue(
  [
    { title: 'The Lord of the Rings: The Fellowship of the Ring', year: 2001, cast: ['Elijah Wood'] },
    { title: 'Lord of War', year: 2005 },
    { title: 'Sci-Fi Boys', year: 2006 },
    { title: 'Science Fiction Double Feature', year: 2015 },
    { title: 'LOTR Fan Cut', year: 2010 },
    { title: 'Rings', year: 2017 },
    { title: 'Heat', year: 1995, cast: ['Lord Rings'] },
  ],
  synonyms,
);

describe('one-way and multi-way', () => {
  test('`lotr` finds The Lord of the Rings; the words as typed rank first, one typo above', () => {
    const { titles, keys } = ranked(films, 'lotr');
    assert.deepEqual(titles, ['LOTR Fan Cut', 'The Lord of the Rings: The Fellowship of the Ring']);
    assert.equal(keys[0]?.typos, 0);
    assert.equal(keys[1]?.typos, 1, 'a synonym counts one typo, as other readings do');
    assert.equal(keys[1]?.unmatched, 6, "the synonym's four title words count as matched (rule 4)");
  });

  test('one-way: `lord of the rings` does not read as `lotr`', () => {
    assert.ok(!ranked(films, 'lord of the rings', { match: 'all' }).titles.includes('LOTR Fan Cut'));
  });

  test('multi-way: `sci-fi` and `science fiction` find each other', () => {
    assert.deepEqual(ranked(films, 'sci fi').titles, ['Sci-Fi Boys', 'Science Fiction Double Feature']);
    assert.deepEqual(ranked(films, 'science fiction').titles, ['Science Fiction Double Feature', 'Sci-Fi Boys']);
  });

  test('without the synonyms, none of that', () => {
    const plain = catalogue([{ title: 'The Lord of the Rings', year: 2001 }]);
    assert.deepEqual(ranked(plain, 'lotr').titles, []);
  });
});

describe('typos and words', () => {
  test('the key allows the typos of its length (`sciense fiction`, one typo in 7 letters), never a prefix (`lot`)', () => {
    const { titles, keys } = ranked(films, 'sciense fiction');
    assert.ok(titles.includes('Sci-Fi Boys'));
    assert.equal(keys[titles.indexOf('Sci-Fi Boys')]?.typos, 3, 'each of the two words costs one, `sciense` one more');
    assert.ok(!ranked(films, 'lot', { match: 'all' }).titles.includes('The Lord of the Rings: The Fellowship of the Ring'));
  });

  test('a short key has no typo: `lotx` is not `lotr`', () => {
    assert.deepEqual(ranked(films, 'lotx', { match: 'all' }).titles, []);
  });

  test('the expansion must stand side by side, in its order: Lord of War and Rings are not The Lord of the Rings', () => {
    const { titles } = ranked(films, 'lotr', { match: 'all' });
    assert.ok(!titles.includes('Lord of War'));
    assert.ok(!titles.includes('Rings'));
  });

  test('a synonym in a cast name matches there, ranked as a cast match (rule 2)', () => {
    const index = catalogue([{ title: 'Heat', year: 1995, cast: ['Lord Of The Rings'] }], synonyms);
    const { titles, keys } = ranked(index, 'lotr');
    assert.deepEqual(titles, ['Heat']);
    assert.equal(keys[0]?.castOnly, 1);
  });

  test('a run read through one synonym sits side by side, and so does its neighbour (rule 3)', () => {
    const index = catalogue(
      [
        { title: 'Science Fiction Theatre', year: 1990 },
        { title: 'Theatre of Science Fiction', year: 1991 },
      ],
      Synonyms.of([
        { root: 'sf', synonyms: ['science fiction'] },
        { root: 'scifi show', synonyms: ['science fiction'] },
      ]),
    );
    assert.deepEqual(ranked(index, 'sf theatre').titles, ['Science Fiction Theatre', 'Theatre of Science Fiction']);
    assert.deepEqual(
      ranked(index, 'sf theatre').keys.map((k) => k.apart),
      [0, 1],
      '`sf` ends where Theatre starts in the first title only',
    );
    assert.deepEqual(
      ranked(index, 'scifi show').keys.map((k) => k.apart),
      [0, 0],
      'the two words of one run are side by side',
    );
    const after = ranked(index, 'theatre of sf');
    assert.deepEqual(after.titles, ['Theatre of Science Fiction']);
    assert.deepEqual(
      after.keys.map((k) => k.apart),
      [0],
      '`of` ends where the synonym of `sf` starts',
    );
  });
});

test('highlights mark the words the synonym matched', () => {
  const page = searchMovies(
    films,
    searchRequestOf(parseListRequest(new URLSearchParams({ q: 'lotr', highlight: 'true', year_from: '2001', year_to: '2001' }).toString())),
  );
  const title = films.titleOf(page.ranks[0] as number);
  assert.deepEqual(
    page.highlights?.[0]?.title.map(([a, b]) => title.slice(a, b)),
    ['Lord', 'of', 'the', 'Rings'],
  );
});
