import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { movieId } from '../../src/catalogue/id.js';
import type { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import type { RelevanceKey } from '../../src/engine/relevance-key.js';
import { catalogue, ranked } from '../support/ranked.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * The ranking rules of `sort=relevance` (docs/api.md, "Ranking"), one by one, on catalogues built by hand
 * so that the rule under test is the one that decides, and on the seed for the documented examples.
 * Each expected order is worked out from the rules and the movies' words, written beside it; where a
 * hand-built catalogue has a winner, the catalogue order (rule 5) alone would have put it last. This
 * file proves:
 *
 * 1. Fewer typos first: an exact word before a typo'd one, even against rules 2–5; a word matched
 *    only in the cast with no typo before a title word with one (rule 1 before rule 2); `matirx`
 *    finds The Matrix.
 * 2. Title before cast: a word in the title before the same word only in the cast, even with more
 *    unmatched title words; a word in both with the same typos counts as in the title, and a cast
 *    match with fewer typos than the title's counts as cast-only (with its fewer typos); rule 2
 *    before rule 3.
 * 3. Side by side: consecutive query words next to each other in the title, in the query's order,
 *    first; the reversed order does not count; rule 3 before rule 4.
 * 4. Fewer unmatched title words, then fewer words matched only as the start of the last word
 *    typed: `godfater` (The Godfather before The Disco Godfather and The Godfather Part III),
 *    `jaws scheider` (Jaws before Jaws 2), `rocky ii` (Rocky II before Rocky III); an unmatched word
 *    weighs more than a prefix-only one.
 * 5. The catalogue order breaks what is left: year descending, title by UTF-16 code units, id.
 *
 * And docs/api.md's other examples on the seed: `godfath` finds The Godfather (a prefix), and
 * `cruise mission` the Tom Cruise films (a word in the cast, one in the title).
 */

const titles = (index: CatalogueIndex, q: string) => ranked(index, q).titles;

/** The key of the only movie matching `q`. */
function onlyKey(index: CatalogueIndex, q: string): RelevanceKey {
  const { keys } = ranked(index, q);
  assert.equal(keys.length, 1);
  return keys[0] as RelevanceKey;
}

/** The seed's Godfather titles by fewer unmatched words, then the catalogue order (year descending). */
const GODFATHERS = [
  'The Godfather',
  '3 Godfathers',
  'Three Godfathers',
  'The Disco Godfather',
  'The Black Godfather',
  'The Godfather Part III',
  'The Godfather Part II',
  'The Godfather Part II',
];

const key = (k: Partial<RelevanceKey>): RelevanceKey => ({
  missing: 0,
  typos: 0,
  castOnly: 0,
  apart: 0,
  unmatched: 0,
  prefixOnly: 0,
  ...k,
});

describe('rule 1: fewer typos', () => {
  test('an exact word ranks before a typo, even with more unmatched title words and later in the catalogue', () => {
    // `matirx` (6 letters, one typo allowed): Matrix has one typo (a swap) and no other word; the
    // other title has the word exactly and four words besides.
    const index = catalogue([
      { title: 'Matrix', year: 2000 },
      { title: 'Matirx Story Of Long Ago', year: 1990 },
    ]);
    assert.deepEqual(titles(index, 'matirx'), ['Matirx Story Of Long Ago', 'Matrix']);
  });

  test('counter-example: a word only in the cast, exact, ranks before a title word with a typo (rule 1 before rule 2)', () => {
    // `cruise`: Cruse Control has it in the title with one typo; Top Gun only in the cast, exactly.
    const index = catalogue([
      { title: 'Cruse Control', year: 2001 },
      { title: 'Top Gun', year: 1986, cast: ['Tom Cruise'] },
    ]);
    assert.deepEqual(titles(index, 'cruise'), ['Top Gun', 'Cruse Control']);
  });

  test('`matirx` finds The Matrix on the seed, before its sequels (one typo each, then fewer unmatched words)', () => {
    // The only seed words within one typo of `matirx` are the three Matrix titles' `matrix`.
    assert.deepEqual(titles(seedIndex().index, 'matirx'), ['The Matrix', 'The Matrix Reloaded', 'The Matrix Revolutions']);
  });
});

describe('rule 2: title before cast', () => {
  test('a word in the title ranks before the same word only in the cast, even with more unmatched title words', () => {
    const index = catalogue([
      { title: 'Star Wars', year: 2015, cast: ['Harrison Ford'] },
      { title: 'The Ford Story Of Many Words', year: 1950 },
    ]);
    assert.deepEqual(titles(index, 'ford'), ['The Ford Story Of Many Words', 'Star Wars']);
  });

  test('a word in title and cast counts as in the title when its title match has no more typos than its cast match', () => {
    assert.deepEqual(onlyKey(catalogue([{ title: 'Ford', year: 1990, cast: ['Harrison Ford'] }]), 'ford'), key({}));
    // `harrison` (8 letters): one typo in the title, none in the cast: cast-only, counted with the cast's typos.
    assert.deepEqual(onlyKey(catalogue([{ title: 'Harrisen', year: 1990, cast: ['Harrison Ford'] }]), 'harrison'), key({ castOnly: 1 }));
  });

  test('counter-example: fewer cast-only words rank first even with more pairs apart (rule 2 before rule 3)', () => {
    // `star wars hamill`: Star Wars has `star wars` side by side but Hamill only in the cast (one
    // cast-only word, one pair apart); Hamill Wars Star has all three in the title, both pairs reversed.
    const index = catalogue([
      { title: 'Star Wars', year: 2000, cast: ['Mark Hamill'] },
      { title: 'Hamill Wars Star', year: 1990 },
    ]);
    const { titles: order, keys } = ranked(index, 'star wars hamill');
    assert.deepEqual(order, ['Hamill Wars Star', 'Star Wars']);
    assert.deepEqual(keys, [key({ apart: 2 }), key({ castOnly: 1, apart: 1 })]);
  });
});

describe('rule 3: side by side', () => {
  test('consecutive words next to each other in the query order rank first; reversed they are apart', () => {
    // Both titles hold both words with no typo; only the first has them in the order typed.
    const index = catalogue([
      { title: 'Wars Star', year: 2000 },
      { title: 'Star Wars The Empire Strikes Back', year: 1980 },
    ]);
    const { titles: order, keys } = ranked(index, 'star wars');
    assert.deepEqual(order, ['Star Wars The Empire Strikes Back', 'Wars Star']);
    // Counter-example for rule 4: four unmatched words do not outweigh a pair apart (rule 3 before rule 4).
    assert.deepEqual(keys, [key({ unmatched: 4 }), key({ apart: 1 })]);
  });

  test('a pair counts as side by side only when both words count as title matches', () => {
    // `jaws scheider` on Jaws: `scheider` is in the cast only, so the pair is apart whatever the title holds.
    assert.deepEqual(
      onlyKey(catalogue([{ title: 'Jaws', year: 1975, cast: ['Roy Scheider'] }]), 'jaws scheider'),
      key({ castOnly: 1, apart: 1 }),
    );
  });
});

describe('rule 4: unmatched title words, then prefix-only', () => {
  test('fewer title words left unmatched rank first: an exact title before a longer one', () => {
    const index = catalogue([
      { title: 'Jaws 2', year: 1978 },
      { title: 'Jaws', year: 1975 },
    ]);
    assert.deepEqual(titles(index, 'jaws'), ['Jaws', 'Jaws 2']);
  });

  test('then fewer title words matched only as the start of the last word typed', () => {
    // `rocky ii`: in Rocky III, `ii` is only the start of `iii`.
    const index = catalogue([
      { title: 'Rocky III', year: 1982 },
      { title: 'Rocky II', year: 1979 },
    ]);
    assert.deepEqual(titles(index, 'rocky ii'), ['Rocky II', 'Rocky III']);
  });

  test('counter-example: an unmatched word weighs more than a prefix-only one', () => {
    // Rocky II Returns: `returns` unmatched; Rocky III: `iii` prefix-only.
    const index = catalogue([
      { title: 'Rocky II Returns', year: 1990 },
      { title: 'Rocky III', year: 1982 },
    ]);
    const { titles: order, keys } = ranked(index, 'rocky ii');
    assert.deepEqual(order, ['Rocky III', 'Rocky II Returns']);
    assert.deepEqual(keys, [key({ prefixOnly: 1 }), key({ unmatched: 1 })]);
  });

  test('`godfater` on the seed: The Godfather before The Disco Godfather and The Godfather Part III', () => {
    // One typo in every match (`godfather`; `godfathers` only through its start `godfather`). Then
    // unmatched words: 1 (the; 3 and three, whose `godfathers` is also prefix-only), 2 (the disco,
    // the black), 3 (the part iii, the part ii, twice in the seed); ties in catalogue order.
    assert.deepEqual(titles(seedIndex().index, 'godfater'), GODFATHERS);
  });

  test('`jaws scheider` on the seed: Jaws before Jaws 2, its sequel of 1978 that the catalogue order puts first', () => {
    // The only seed movies with `jaws` and a `scheider`; Roy Scheider is in both casts.
    const { titles: order, keys } = ranked(seedIndex().index, 'jaws scheider');
    assert.deepEqual(order, ['Jaws', 'Jaws 2']);
    assert.deepEqual(keys, [key({ castOnly: 1, apart: 1 }), key({ castOnly: 1, apart: 1, unmatched: 1 })]);
  });

  test('`rocky ii` on the seed: Rocky II before Rocky III, then a film with a Rocky in its cast and II in its title', () => {
    const { titles: order, keys } = ranked(seedIndex().index, 'rocky ii');
    assert.deepEqual(order.slice(0, 3), ['Rocky II', 'Rocky III', "'Gator Bait II: Cajun Justice"]);
    // Then sequels numbered `2` and a `rocks` one typo from `rocky`: 2 for II is another reading, one typo more.
    assert.ok(order.includes('Arthur 2: On the Rocks'));
    assert.ok(keys.slice(3).every((k) => k.typos === 2));
  });
});

describe('rule 5: the catalogue order', () => {
  test('equal keys keep the catalogue order: year descending, then title by UTF-16 code units, then id', () => {
    const films = [
      { title: 'Alien Dusk', year: 1990 },
      { title: 'Alien Dawn', year: 1990 },
      { title: 'Alien Night', year: 2001 },
      { title: 'Alien Dawn', year: 1990 },
    ];
    const { titles: order, ids, keys } = ranked(catalogue(films), 'alien');
    assert.deepEqual(order, ['Alien Night', 'Alien Dawn', 'Alien Dawn', 'Alien Dusk']);
    assert.ok(
      keys.every((k) => k.unmatched === 1 && k.typos + k.castOnly + k.apart + k.prefixOnly === 0),
      'one key for all',
    );
    // The two Alien Dawn of 1990 by id.
    assert.deepEqual(ids.slice(1, 3), [movieId('Alien Dawn', 1990, 0), movieId('Alien Dawn', 1990, 1)].sort());
  });
});

describe("docs/api.md's other examples, on the seed", () => {
  test('`godfath` finds The Godfather first: a prefix with no typo, then the rules as for `godfater`', () => {
    // Every match is `godfath…`, no typo, one prefix-only word each: unmatched words order them as for `godfater`.
    assert.deepEqual(titles(seedIndex().index, 'godfath'), GODFATHERS);
  });

  test('`cruise mission` finds the Tom Cruise films: cruise in the cast, mission in the title', () => {
    // Each has one cast-only word and its pair apart; then unmatched words: 1 (impossible), 2 (…
    // fallout, iii, 2, in catalogue order), 3 (… ghost protocol).
    assert.deepEqual(titles(seedIndex().index, 'cruise mission'), [
      'Mission: Impossible',
      'Mission: Impossible – Fallout',
      'Mission: Impossible III',
      'Mission: Impossible 2',
      'Mission: Impossible – Ghost Protocol',
    ]);
  });
});
