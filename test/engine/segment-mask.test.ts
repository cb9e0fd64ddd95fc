import { test } from 'node:test';
import assert from 'node:assert/strict';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { CatalogueIndex, type SegmentEntry } from '../../src/engine/catalogue-index.js';
import { searchMovies } from '../../src/engine/search.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';
import { parseListRequest, searchRequestOf } from '../../src/query/parse-query.js';

/**
 * The deltas a query's filters cannot match are left unplanned (segment-mask.ts), and a version
 * whose deltas none can match is answered by its base alone. Superseded base movies must still
 * vanish then, and facets that leave a filter out must still count the deltas that filter ruled out.
 */

const movie = (title: string, year: number, cast: string[], genres: string[]): Movie => ({
  id: movieId(title, year),
  title,
  year,
  cast,
  genres,
});

const base = [
  movie('Harbour Lights', 1950, ['Ada Stone'], ['Drama']),
  movie('Harbour Nights', 1951, ['Ada Stone', 'Ben Ode'], ['Drama', 'Comedy']),
  movie('Quiet Street', 1960, ['Cy Vale'], ['Comedy']),
  movie('Night Train', 1970, ['Dee Marr'], ['Thriller']),
];
const [lights, nights, street] = base as [Movie, Movie, Movie, Movie];

/** The base, a delta deleting `Harbour Lights`, one re-casting `Harbour Nights` as a western, one adding a musical. */
function deltaVersion(): { catalogue: CatalogueIndex; live: Movie[] } {
  const recast = { ...nights, cast: ['Eve Rand'], genres: ['Western'] };
  const added = movie('Song of Spring', 1999, ['Fay Lund'], ['Musical']);
  const entries: SegmentEntry[] = [
    { index: SegmentIndex.build('base', base), deletes: [] },
    { index: SegmentIndex.build('d1', []), deletes: [lights.id] },
    { index: SegmentIndex.build('d2', [recast]), deletes: [] },
    { index: SegmentIndex.build('d3', [added]), deletes: [] },
  ];
  return { catalogue: CatalogueIndex.of('v', entries), live: [recast, street, base[3] as Movie, added] };
}

const request = (query: string) => searchRequestOf(parseListRequest(query));

/** The page, total and facets as one segment of the live movies answers them. */
function assertSameAsOneSegment(catalogue: CatalogueIndex, live: readonly Movie[], query: string): void {
  const reference = CatalogueIndex.build('reference', live);
  const ids = (index: CatalogueIndex, ranks: readonly number[]) => ranks.map((rank) => index.idOf(rank));
  const got = searchMovies(catalogue, request(query));
  const want = searchMovies(reference, request(query));
  assert.deepEqual(ids(catalogue, got.ranks), ids(reference, want.ranks), query);
  assert.deepEqual({ ...got, ranks: [] }, { ...want, ranks: [] }, query);
}

test('masks: a delta is planned only when it holds every filter term, and the base always is', () => {
  const { catalogue } = deltaVersion();
  const masks = catalogue.masks;
  const mask = (query: string) => masks.of(request(query).query);
  assert.equal(mask('genre=drama'), 0b0001, 'no delta has Drama');
  assert.equal(mask('genre=western'), 0b0101, 'the re-cast movie is a western');
  assert.equal(mask('genre=western&year=1999'), 0b0001, 'the western is of 1951');
  assert.equal(mask('year_from=1951&year_to=2000'), 0b1101);
  assert.equal(mask('cast=fay+lund&title=spring'), 0b1001);
  assert.equal(mask('title=spring+x'), 0b0001, 'one n-gram of the title is in no delta');
  assert.equal(mask('genre=western&genre=musical'), 0b0001);
  assert.equal(masks.of(request('genre=western&year=1999').query, 'year'), 0b0101, 'a year facet leaves the year out');
});

test('a delta deleting a base movie hides it from queries whose terms the delta lacks', () => {
  const { catalogue, live } = deltaVersion();
  const drama = searchMovies(catalogue, request('genre=drama&count=true'));
  assert.deepEqual(
    drama.ranks.map((rank) => catalogue.idOf(rank)),
    [],
    'Harbour Lights is deleted and Harbour Nights is no longer a drama',
  );
  assert.equal(drama.total, 0);
  for (const query of ['genre=drama', 'title=harbour&count=true', 'cast=ada+stone&count=true', 'year=1950', 'sort=title:asc&count=true'])
    assertSameAsOneSegment(catalogue, live, query);
});

test('facets leaving a filter out count the deltas that filter rules out', () => {
  const { catalogue, live } = deltaVersion();
  for (const query of [
    'genre=drama&facets=genre,cast,year',
    'genre=comedy&facets=genre&count=true',
    'year=1950&facets=year,decade,genre',
    'cast=cy+vale&facets=cast,genre',
    'q=harbour&genre=comedy&facets=genre,cast',
  ])
    assertSameAsOneSegment(catalogue, live, query);
});

test('a count without a check subtracts exactly the superseded candidates', () => {
  const { catalogue, live } = deltaVersion();
  for (const query of [
    'count=true',
    'genre=comedy&count=true',
    'year_from=1950&year_to=1960&count=true',
    'year=1951&count=true',
    'title=ight&count=true',
  ])
    assertSameAsOneSegment(catalogue, live, query);
});

test('q: a delta is planned only for the words it holds, and partial matches come from any delta holding one', () => {
  const { catalogue, live } = deltaVersion();
  const { masks } = catalogue;
  assert.deepEqual(masks.words(['spring']), { every: 0b1001, some: 0b1001 }, 'only the added musical says spring');
  assert.deepEqual(masks.words(['spring', 'harbour']), { every: 0b0001, some: 0b1101 }, 'no movie has both words');
  assert.equal(masks.of(request('q=spring+harbour').query), 0b1101, 'partial matches may come from either delta');
  assert.equal(masks.of(request('q=spring+harbour&match=all').query), 0b0001);
  for (const query of [
    'q=spring+harbour&count=true',
    'q=spring+harbour&sort=title:asc&facets=genre,cast',
    'q=spring+harbour&genre=western&facets=genre&count=true',
    'q=spring+harbour&match=all&count=true',
    'q=eve+rand&facets=cast,genre&count=true',
    'q=harbour+nights+spring&facets=year&count=true',
  ])
    assertSameAsOneSegment(catalogue, live, query);
});

test('a delta movie tied with the last movie the base can show still makes the page, in catalogue order', () => {
  // The base's page bounds the deltas' (search.ts, PageBound): a tie on the bound must be kept.
  const older = [movie('Harbour Lights', 1950, ['Ada Stone'], ['Drama']), movie('Harbour Days', 1940, ['Ada Stone'], ['Drama'])];
  const newer = movie('Harbour Mists', 1960, ['Ada Stone'], ['Drama']);
  const catalogue = CatalogueIndex.of('v', [
    { index: SegmentIndex.build('base', older), deletes: [] },
    { index: SegmentIndex.build('d1', [newer]), deletes: [] },
  ]);
  for (const query of ['q=harbour&limit=1', 'q=harbour&limit=2&count=true', 'genre=drama&limit=1', 'cast=ada+stone&limit=2'])
    assertSameAsOneSegment(catalogue, [...older, newer], query);
});
