import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { EXTRACT_TIER, extractScoreOf } from '../../src/engine/relevance-key.js';
import { searchMovies } from '../../src/engine/search.js';
import { stem } from '../../src/engine/stem.js';
import { STOP_WORDS } from '../../src/engine/stop-words.js';
import { referenceStem } from '../support/reference-extract.js';
import { referenceSearch, type ReferenceRequest } from '../support/reference-engine.js';
import { toSearch } from '../support/search-request.js';

/**
 * The extract tier of `q` (docs/api.md, "The extract tier"), rule by rule, on catalogues built by
 * hand: plural and -ed/-ing forms meet, stop words match nothing there but still match titles, a
 * title or cast match ranks above any extract-only match, BM25 puts rarer words, more occurrences
 * and shorter extracts first, times the share of the query's idf an extract covers, highlights
 * point into the extract, movies without an extract are never in the tier, and the score reads the
 * collection statistics its caller supplies.
 */

interface Film {
  readonly title: string;
  readonly year: number;
  readonly cast?: readonly string[];
  readonly extract?: string;
}

function movies(films: readonly Film[]): Movie[] {
  return films.map(({ title, year, cast = [], extract }) => ({
    id: movieId(title, year, 0),
    title,
    year,
    cast: [...cast],
    genres: [],
    ...(extract === undefined ? {} : { extract }),
  }));
}

function search(index: CatalogueIndex, q: string, extra: Record<string, string> = {}) {
  const page = searchMovies(index, toSearch({ q, cast: [], genres: [], sort: 'relevance' }, 50, { count: 'true', ...extra }));
  return { ...page, titles: page.ranks.map((r) => index.titleOf(r)) };
}

const films: Film[] = [
  {
    title: 'Twister',
    year: 1996,
    cast: ['Helen Hunt', 'Bill Paxton'],
    extract: 'A group of storm chasers try to deploy a tornado research device.',
  },
  { title: 'Into the Storm', year: 2014, extract: 'A town is hit by a series of tornadoes; storm chasers and students chase them.' },
  {
    title: 'Storm Warning',
    year: 1951,
    cast: ['Ginger Rogers'],
    extract: 'A model witnesses a murder by the Ku Klux Klan in a small town.',
  },
  {
    title: 'Air Force One',
    year: 1997,
    cast: ['Harrison Ford'],
    extract: "Terrorists hijack the President's plane and he fights to retake it.",
  },
  {
    title: 'Jaws',
    year: 1975,
    cast: ['Roy Scheider'],
    extract: 'A police chief hunts a great white shark that attacks beachgoers at a summer resort town.',
  },
  { title: 'The Shallows', year: 2016, cast: ['Blake Lively'], extract: 'A surfer is stranded near the shore by a great white shark.' },
  {
    title: 'Cast Away',
    year: 2000,
    cast: ['Tom Hanks'],
    extract: 'A courier is stranded on an uninhabited island after his plane crashes.',
  },
  { title: 'The Thing', year: 1982, cast: ['Kurt Russell'] },
];
const index = CatalogueIndex.build('extracts', movies(films));

describe('matching in the extract', () => {
  test('plurals and -ed/-ing forms meet their stem on both sides: `chaser` finds chasers, `hijacked` hijack, `chasing` chase', () => {
    assert.deepEqual(search(index, 'chaser').titles.sort(), ['Into the Storm', 'Twister']);
    assert.deepEqual(search(index, 'tornadoes').titles, ['Into the Storm'], 'Porter step 1 leaves -oes apart from -o: no Twister');
    assert.deepEqual(search(index, 'hijacked').titles, ['Air Force One']);
    assert.deepEqual(search(index, 'chasing').titles, ['Into the Storm']);
  });

  test('stop words match nothing in the extract, but still match titles: `the` finds The Thing and The Shallows by their titles only', () => {
    assert.deepEqual(search(index, 'the').titles.sort(), ['Into the Storm', 'The Shallows', 'The Thing']);
    assert.deepEqual(search(index, 'of').titles, [], "'of' is in extracts, and in no title or cast name");
  });

  test('one word of the query in an extract is enough: the tier ranks by how well, not whether every word is there', () => {
    const { titles, total } = search(index, 'shark island');
    assert.equal(titles[0], 'Cast Away', 'island is in one extract, shark in two: the rarer word wins');
    assert.equal(total, 3, 'Jaws and The Shallows by shark, Cast Away by island');
  });

  test('a movie without an extract is never matched through one', () => {
    assert.deepEqual(search(index, 'russell').titles, ['The Thing'], 'by its cast');
    // Every word must match for the extract to be read: with match=all, nothing; with the default
    // (match=most, issue 18), The Thing only as a partial match, by its title.
    assert.deepEqual(search(index, 'thing antarctica', { match: 'all' }).titles, []);
    const most = search(index, 'thing antarctica');
    assert.deepEqual(most.titles, ['The Thing']);
    assert.deepEqual(most.partial, { words: 2, matched: 1 });
  });
});

describe('ranking', () => {
  test('any title or cast match ranks above every extract-only match, whatever their BM25', () => {
    // "storm" is in two titles (Storm Warning first: fewer title words left over) and in Twister's extract only.
    const page = search(index, 'storm');
    assert.deepEqual(page.titles, ['Storm Warning', 'Into the Storm', 'Twister']);
    const keys = page.relevance ?? [];
    assert.ok((keys[1] as number) < EXTRACT_TIER && (keys[2] as number) >= EXTRACT_TIER, 'Twister is in the extract tier');
  });

  test('rarer words weigh more: `hunt shark` puts Jaws (shark and hunts) before The Shallows (shark only)', () => {
    assert.deepEqual(search(index, 'hunt shark').titles, ['Jaws', 'The Shallows']);
  });

  test('more occurrences and shorter extracts come first: storms twice in a short extract beats once in a long one', () => {
    const twice = CatalogueIndex.build(
      'tf',
      movies([
        {
          title: 'Long',
          year: 2000,
          extract: 'A storm arrives over a quiet fishing village where nothing ever happens to anyone at all today.',
        },
        { title: 'Short', year: 1990, extract: 'Storm after storm.' },
        { title: 'Once', year: 1980, extract: 'A storm.' },
      ]),
    );
    assert.deepEqual(search(twice, 'storms').titles, ['Short', 'Once', 'Long']);
  });

  test('the score reads the statistics its caller supplies: catalogue-wide figures change it, the segment alone does not decide', () => {
    const own = search(index, 'tornado').relevance?.[0] as number;
    const segment = new SegmentIndex((index.single as SegmentIndex).data, {
      extractStatistics: { documents: 1000, averageLength: 10, documentFrequency: () => 2 },
    });
    const wide = CatalogueIndex.of('extracts', [{ index: segment, deletes: [] }]);
    const supplied = search(wide, 'tornado').relevance?.[0] as number;
    assert.ok(extractScoreOf(supplied) > extractScoreOf(own), 'a word in 2 of 1000 documents is worth more than in 2 of 7');
  });

  test("a score is BM25 times the share of the query's idf the extract covers: a word of equal rarity it lacks halves it", () => {
    // Every stem in 2 of 1000 documents: `tornado` and `zeppelin` weigh the same, and no extract has zeppelin.
    const segment = new SegmentIndex((index.single as SegmentIndex).data, {
      extractStatistics: { documents: 1000, averageLength: 10, documentFrequency: () => 2 },
    });
    const even = CatalogueIndex.of('extracts', [{ index: segment, deletes: [] }]);
    const one = extractScoreOf(search(even, 'tornado').relevance?.[0] as number);
    const two = extractScoreOf(search(even, 'tornado zeppelin').relevance?.[0] as number);
    assert.ok(Math.abs(two - one / 2) <= 2 ** -19, `${two} is half of ${one}`);
  });

  test('an extract with both words beats a short one repeating the rarer: BM25 alone would put Thrice first (1.78 to 1.41)', () => {
    const coverage = CatalogueIndex.build(
      'coverage',
      movies([
        { title: 'Thrice', year: 2000, extract: 'Shark after shark after shark.' },
        {
          title: 'Both',
          year: 1990,
          extract: 'A shark circles the island while the crew of the fishing boat watches the waves roll in at dusk.',
        },
        ...['An island.', 'An island town.', 'An island farm.', 'Sharks.', 'A quiet day.', 'A long night.'].map((extract, i) => ({
          title: `Filler ${i}`,
          year: 1950 + i,
          extract,
        })),
      ]),
    );
    assert.deepEqual(search(coverage, 'shark island').titles.slice(0, 2), ['Both', 'Thrice']);
  });

  test('a word in most extracts is read for movies with nothing rarer only when one could make the page: pages as the reference has them', () => {
    // `film` is in about three extracts of four, past EXTRACT_BROAD_SHARE, so a query with it and a rarer word takes
    // the pruned path; with a limit past the rarer word's movies, or a filter, the broad word's own movies must come.
    const rarer = fc.constantFrom('storm', 'shark', 'island', 'plane', 'courier', 'chief', 'films');
    const extracts = fc.array(fc.tuple(fc.constantFrom(true, true, true, false), fc.array(rarer, { maxLength: 4 })), {
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        extracts,
        fc.array(rarer, { maxLength: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        (docs, words, limit, drama) => {
          const catalogue = movies(
            docs.map(([broad, rest], i) => ({
              title: `Reel ${i}`,
              year: 1990 + (i % 3),
              extract: [...(broad ? ['film'] : []), ...rest].join(' '),
            })),
          ).map((m, i) => ({ ...m, genres: i % 2 === 0 ? ['Drama'] : [] }));
          const built = CatalogueIndex.build('broad', catalogue);
          const r: ReferenceRequest = { q: ['film', ...words].join(' '), cast: [], genres: drama ? ['Drama'] : [], sort: 'relevance' };
          const expected = referenceSearch(catalogue, r)
            .slice(0, limit)
            .map((m) => m.id);
          const page = searchMovies(built, toSearch(r, limit));
          assert.deepEqual(
            page.ranks.map((rank) => built.movie(rank).id),
            expected,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

test("a delta's extract match tying the base page's last key still comes first when it is first in catalogue order", () => {
  // The walk of the tier passes by the movies whose key the page cannot take; a delta's page takes keys up to the base
  // page's last one, that key included, and the merge then puts a tie in catalogue order (the newer year first here).
  const extract = 'A storm chasers film.';
  const base = movies([
    { title: 'Storm Reel One', year: 1990, extract },
    { title: 'Storm Reel Two', year: 1991, extract },
  ]);
  const delta = movies([{ title: 'Storm Reel Three', year: 2005, extract }]);
  const version = CatalogueIndex.of('v2', [
    { index: SegmentIndex.build('base', base), deletes: [] },
    { index: SegmentIndex.build('delta', delta), deletes: [] },
  ]);
  const whole = CatalogueIndex.build('v2-whole', [...base, ...delta]);
  const ids = (index: CatalogueIndex, limit: number) =>
    searchMovies(index, toSearch({ q: 'chasers', cast: [], genres: [], sort: 'relevance' }, limit)).ranks.map((r) => index.idOf(r));
  for (const limit of [1, 2]) {
    assert.deepEqual(ids(version, limit), ids(whole, limit), `limit ${limit}`);
    assert.equal(ids(version, limit)[0], (delta[0] as Movie).id, `limit ${limit}`);
  }
});

test('a filter no movie passes keeps every extract match out, as any filter does: the empty range is not the whole segment', () => {
  // A delta whose movies are all older than `from` plans the year filter as the empty range [0, 0), which the walk of the
  // tier once took for "every movie" (segments.property found it: a 1991 movie on a page asking from 1993).
  for (const extra of [{ year_from: '2020' }, { year_to: '1900' }, { year: '1990' }] as Record<string, string>[]) {
    const page = search(index, 'storm', extra);
    assert.deepEqual(page.titles, [], JSON.stringify(extra));
    assert.equal(page.total, 0);
  }
  assert.deepEqual(search(index, 'shark', { year_from: '2000' }).titles, ['The Shallows'], 'a range that some movies pass still filters');
});

test('highlights mark the extract words matched, as UTF-16 offsets into the extract, stop words aside', () => {
  const page = search(index, 'the storm chasers', { highlight: 'true' });
  const at = page.titles.indexOf('Twister');
  const twister = films[0] as Film;
  const marks = page.highlights?.[at]?.extract ?? [];
  assert.deepEqual(
    marks.map(([s, e]) => (twister.extract as string).slice(s, e)),
    ['storm', 'chasers'],
  );
  const thing = search(index, 'thing', { highlight: 'true' });
  assert.equal(thing.highlights?.[0]?.extract, undefined, 'no extract, no extract highlights');
});

test('stemming is Porter 1a–1c: the engine agrees with the plain reference on every word', () => {
  const letters = fc.constantFrom(...'abcdeilmnoprstuyzsg');
  fc.assert(
    fc.property(
      fc.array(letters, { minLength: 1, maxLength: 12 }),
      fc.constantFrom('', 's', 'es', 'ies', 'ed', 'ing', 'eed', 'y', 'sses'),
      (chars, tail) => {
        const word = chars.join('') + tail;
        assert.equal(stem(word), referenceStem(word), word);
      },
    ),
    { numRuns: 3000 },
  );
  for (const [word, expected] of [
    ['chasers', 'chaser'],
    ['chasing', 'chase'],
    ['hijacked', 'hijack'],
    ['hopping', 'hop'],
    ['hoping', 'hope'],
    ['ponies', 'poni'],
    ['pony', 'poni'],
    ['agreed', 'agree'],
    ['caresses', 'caress'],
    ['sing', 'sing'],
    ['2', '2'],
    ['zoë', 'zoë'],
  ] as const)
    assert.equal(stem(word), expected, word);
  assert.ok(STOP_WORDS.has('the') && !STOP_WORDS.has('storm'));
});
