import fc from 'fast-check';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { movieKey } from '../../src/catalogue/normalise.js';
import { referenceWords, type ReferenceRequest } from './reference-engine.js';

/**
 * Small random catalogues whose titles and casts are drawn from short word lists, so that words
 * repeat, prefixes and typos collide, and every ranking rule decides some order: what a
 * property test needs to find where the engine and the reference disagree.
 */
const TITLE_WORDS = [
  'the',
  'godfather',
  'godfathers',
  'matrix',
  'rocky',
  'ii',
  'iii',
  'a',
  'love',
  'star',
  'wars',
  'jaws',
  '2',
  'Amélie',
  'Spider-Man',
  'of',
  'night',
  'knight',
  'return',
  'returns',
  'redemption',
  'shawshank',
  'Σοφίας',
  '9½',
  'Zoë',
  'Æon',
  'x',
  'Schindler’s',
  'bat',
  'man',
  'Batman',
  'iron',
  'two',
  'second',
  'iv',
];
const SEPARATORS = [' ', ' ', ' ', ': ', ' – ', '-', ', '];
export const CAST = [
  'Tom Cruise',
  'Tom Hanks',
  'Tim Robbins',
  'Morgan Freeman',
  'Penélope Cruz',
  'Al Pacino',
  'Marlon Brando',
  'Roy Scheider',
  'Godfrey Tearle',
  'X',
  'Tom and Jerry',
  'tom cruise',
];
export const GENRES = ['Drama', 'Comedy', 'drama', 'Action', 'Science Fiction'];
const YEARS = [1990, 1991, 1992, 1993];

const title = fc
  .array(fc.tuple(fc.constantFrom(...TITLE_WORDS), fc.constantFrom(...SEPARATORS)), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.map(([w, sep], i) => (i === 0 ? w : sep + w)).join(''));

/**
 * Words of extracts: stems met in several forms (plurals, -ed, -ing, a doubled consonant, an `e`
 * restored), stop words, single letters, and words that titles and cast have too, so that movies
 * match in either tier or both.
 */
const EXTRACT_WORDS = [
  'the',
  'a',
  'of',
  'is',
  'storm',
  'storms',
  'chaser',
  'chasers',
  'chasing',
  'chased',
  'chase',
  'shark',
  'sharks',
  'hop',
  'hopping',
  'hoped',
  'hope',
  'pony',
  'ponies',
  'agreed',
  'godfather',
  'matrix',
  'love',
  'loving',
  'Tom',
  'Hanks',
  'x',
  'Σοφίας',
  '2',
  'Zoë',
];

const extract = fc
  .array(fc.tuple(fc.constantFrom(...EXTRACT_WORDS), fc.constantFrom(' ', ' ', ', ', '. ', '-')), { minLength: 0, maxLength: 12 })
  .map((parts) => parts.map(([w, sep]) => w + sep).join(''));

const record = fc.record(
  {
    title,
    year: fc.constantFrom(...YEARS),
    cast: fc.uniqueArray(fc.constantFrom(...CAST), { maxLength: 4 }),
    genres: fc.uniqueArray(fc.constantFrom(...GENRES), { maxLength: 2 }),
    extract,
  },
  { requiredKeys: ['title', 'year', 'cast', 'genres'] },
);

/**
 * Catalogues of `minLength` to `maxLength` movies, with ids as the product derives them (records
 * sharing a key get their own by occurrence).
 */
export function catalogueOfSize(minLength: number, maxLength: number): fc.Arbitrary<Movie[]> {
  return fc.array(record, { minLength, maxLength }).map((records) => {
    const seen = new Map<string, number>();
    return records.map((r) => {
      const key = movieKey(r.title, r.year);
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      return { ...r, id: movieId(r.title, r.year, occurrence) };
    });
  });
}

export const arbitraryCatalogue: fc.Arbitrary<Movie[]> = catalogueOfSize(1, 60);

/** A word as a person might type it: as is, with one or two typos, cut short, or something else entirely. */
export function typed(word: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(word, fc.nat(7), fc.nat(40), fc.constantFrom('a', 'e', 'z', 'ö')).map(([w, how, at, letter]) => {
    const chars = [...w];
    const i = at % Math.max(1, chars.length);
    switch (how) {
      case 1:
        chars.splice(i, 1, letter);
        break;
      case 2:
        chars.splice(i, 1);
        break;
      case 3:
        chars.splice(i, 0, letter);
        break;
      case 4:
        if (i + 1 < chars.length) [chars[i], chars[i + 1]] = [chars[i + 1] as string, chars[i] as string];
        break;
      case 5:
        chars.length = Math.max(1, i);
        break;
      case 6:
        return 'qzx';
      case 7:
        // Written apart: `bat man` for Batman.
        if (i > 0) chars.splice(i, 0, ' ');
        break;
    }
    return chars.join('') || w;
  });
}

/** Requests over a catalogue: free text from its own words, filters, an order. */
export function arbitraryRequest(movies: readonly Movie[]): fc.Arbitrary<ReferenceRequest> {
  const vocabulary = [
    ...new Set(movies.flatMap((m) => [...referenceWords(m.title), ...m.cast.flatMap(referenceWords), ...referenceWords(m.extract ?? '')])),
  ];
  const word = fc.constantFrom(...(vocabulary.length > 0 ? vocabulary : ['x']));
  // Words apart as usual, sometimes written together (`ironman` for Iron Man), excluded (` -`) or quoted as a phrase.
  const q = fc
    .tuple(
      fc.array(fc.tuple(typed(word), fc.constantFrom(' ', ' ', ' ', '', ' -', ' "')), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('', '', '', '"'),
    )
    .map(([parts, open]) => open + parts.map(([w, sep], i) => (i === 0 ? w : sep + w)).join(''));
  return fc
    .record(
      {
        q,
        title: fc.constantFrom('god', 'the', 'a', 'ii', 'fath', 'x', 'éli', 'amelie'),
        year: fc.constantFrom(...YEARS, 1989),
        yearFrom: fc.constantFrom(...YEARS),
        yearTo: fc.constantFrom(...YEARS),
        cast: fc.uniqueArray(fc.constantFrom(...CAST), { minLength: 1, maxLength: 2 }),
        genres: fc.uniqueArray(fc.constantFrom(...GENRES), { minLength: 1, maxLength: 2 }),
        sort: fc.constantFrom('year:desc', 'year:asc', 'title:asc', 'title:desc', 'relevance'),
        match: fc.constantFrom('most', 'all'),
      },
      { requiredKeys: ['sort'] },
    )
    .map((r) => {
      const out = { ...r, cast: r.cast ?? [], genres: r.genres ?? [] };
      if (out.sort === 'relevance' && out.q === undefined) out.sort = 'year:desc';
      if (out.yearFrom !== undefined && out.yearTo !== undefined && out.yearFrom > out.yearTo)
        [out.yearFrom, out.yearTo] = [out.yearTo, out.yearFrom];
      return out as ReferenceRequest;
    });
}
