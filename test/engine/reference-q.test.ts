import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesQ, osaDistance, prefixDistance, qWords, typoBudget } from '../support/reference-q.js';

describe('the reference q rule', () => {
  test('words are runs of letters and digits after NFKD, mark removal and lower case', () => {
    assert.deepEqual(qWords("Schindler's List"), ['schindler', 's', 'list']);
    assert.deepEqual(qWords('Spider-Man: Into the Spider-Verse'), ['spider', 'man', 'into', 'the', 'spider', 'verse']);
    assert.deepEqual(qWords('Prêt-à-Porter'), ['pret', 'a', 'porter']);
    assert.deepEqual(qWords('2001: A Space Odyssey'), ['2001', 'a', 'space', 'odyssey']);
  });

  test('the typo budget follows word length: 1-4 exact, 5-8 one, 9+ two', () => {
    assert.deepEqual(['jaws', 'rocky', 'godfather', 'redemption'].map(typoBudget), [0, 1, 2, 2]);
    assert.equal(typoBudget('désirée'), 1);
  });

  test('OSA distance counts insertion, deletion, substitution and adjacent transposition as one edit each', () => {
    assert.equal(osaDistance('matirx', 'matrix'), 1);
    assert.equal(osaDistance('godfater', 'godfather'), 1);
    assert.equal(osaDistance('titonic', 'titanic'), 1);
    assert.equal(osaDistance('avatarr', 'avatar'), 1);
    assert.equal(osaDistance('shwashenk', 'shawshank'), 2);
    // OSA, not Damerau: a transposed pair cannot be edited again, so "ca" → "abc" is 3, not 2.
    assert.equal(osaDistance('ca', 'abc'), 3);
    assert.equal(prefixDistance('godfath', 'godfather'), 0);
    assert.equal(prefixDistance('shawshenk', 'shawshank'), 1);
    assert.equal(prefixDistance('casbl', 'casablanca'), 1);
  });

  test('every query word must match; short words must be exact; the last word may be a prefix', () => {
    const matrix = { title: 'The Matrix', cast: ['Keanu Reeves'] };
    assert.equal(matchesQ('matirx', matrix), true);
    assert.equal(matchesQ('keanu matr', matrix), true);
    assert.equal(matchesQ('matr keanu', matrix), false, 'only the last word is a prefix');
    assert.equal(matchesQ('matirx reloaded', matrix), false, 'every word must match');
    assert.equal(matchesQ('perk', { title: 'Jurassic Park' }), false, 'a 4-letter word with a typo never matches');
    assert.equal(matchesQ('rocky 4', { title: 'Rocky III' }), false, 'another number');
    assert.equal(matchesQ('', matrix), false);
  });

  test('issue 18: numbers however written, words joined and split', () => {
    assert.equal(matchesQ('rocky 3', { title: 'Rocky III' }), true, 'arabic for Roman');
    assert.equal(matchesQ('police academy four', { title: 'Police Academy 4: Citizens on Patrol' }), true, 'a word for a digit');
    assert.equal(matchesQ('the 2nd', { title: 'The Second Renaissance' }), true, 'an ordinal numeral for an ordinal word');
    assert.equal(matchesQ('ironman', { title: 'Iron Man' }), true, 'one word for two');
    assert.equal(matchesQ('ironmen', { title: 'Iron Man' }), true, 'one typo in the 7-letter joined form');
    assert.equal(matchesQ('bat man', { title: 'Batman' }), true, 'two words for one');
    assert.equal(matchesQ('spiderman', { title: 'Spider-Man' }), true, 'a hyphen is not in the way');
    assert.equal(matchesQ('deniro', { title: 'Heat', cast: ['Robert De Niro'] }), true, 'two words of one cast name');
    assert.equal(matchesQ('iron robert', { title: 'Heat', cast: ['Iron Robert'] }), true);
    assert.equal(matchesQ('manbat', { title: 'Bat Man' }), false, 'the two words in their order');
    assert.equal(matchesQ('ironman', { title: 'Man of Iron' }), false, 'side by side');
    assert.equal(matchesQ('superman 2', { title: 'Superman' }), false, 'a join never drops a whole word to typos');
    assert.equal(matchesQ('xmenn', { title: 'X-Men' }), true, 'a typo in a part of 3 letters, within the 5-letter word');
    assert.equal(matchesQ('ixmen', { title: 'X-Men' }), false, 'but none in a part of 1 or 2');
  });
});
