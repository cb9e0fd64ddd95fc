import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cinedex, CinedexApiError, type FacetName, type ListMoviesQuery, type MoviePage, type MoviePageItem } from 'cinedex/client';
import { startApi, type RunningApi } from '../support/api-server.js';
import { referenceFacet, referenceSearch, type ReferenceRequest } from '../support/reference-engine.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * The client's search parameters (q, sort, year range, facets, count, highlight) against the real
 * API on a socket serving the seed. What a call returns is compared with the raw answer to the same
 * URL, and what it means (order, total, facet counts) with the reference engine's full scan.
 */
const { movies } = seedIndex();
let api: RunningApi;
let client: Cinedex;
before(async () => {
  api = await startApi();
  client = new Cinedex({ baseUrl: api.base });
});
after(() => api.app.close());

async function raw(path: string): Promise<MoviePage> {
  const response = await fetch(api.base + path);
  assert.equal(response.status, 200, path);
  return (await response.json()) as MoviePage;
}

async function walk(c: Cinedex, params: ListMoviesQuery): Promise<MoviePage[]> {
  const pages: MoviePage[] = [];
  for await (const page of c.pages(params)) pages.push(page);
  return pages;
}

const reference = (r: Partial<ReferenceRequest> & Pick<ReferenceRequest, 'sort'>): ReferenceRequest => ({ cast: [], genres: [], ...r });

describe('search parameters through the client', () => {
  test('search() sends q, the year range, facets (an array, sent comma-separated), count and highlight', async () => {
    const page = await client.search({
      q: 'godfathr',
      year_from: 1970,
      year_to: 1990,
      facets: ['genre', 'decade'],
      facet_limit: 5,
      count: true,
      highlight: true,
      limit: 3,
    });
    assert.deepEqual(
      page,
      await raw('/v1/movies?q=godfathr&year_from=1970&year_to=1990&facets=genre,decade&facet_limit=5&count=true&highlight=true&limit=3'),
    );
    const request = reference({ q: 'godfathr', yearFrom: 1970, yearTo: 1990, sort: 'relevance' });
    const matches = referenceSearch(movies, request);
    assert.ok(matches.length > 3, 'more matches than the page holds');
    assert.equal(page.total, matches.length);
    assert.deepEqual(
      page.items.map((m) => m.id),
      matches.slice(0, 3).map((m) => m.id),
    );
    assert.deepEqual(page.facets, {
      genre: referenceFacet(movies, request, 'genre', 5),
      decade: referenceFacet(movies, request, 'decade', 5),
    });
    const top = page.items[0] as MoviePageItem;
    const at = top.title.indexOf('Godfather');
    assert.ok(at >= 0, top.title);
    assert.deepEqual(top._highlight, { title: [[at, at + 'Godfather'.length]], cast: {} }, 'the typo is marked on the word it matched');
  });

  test('highlights mark cast names by name, and the typed prefix of the last word', async () => {
    const page = await client.search({ q: 'pacino godf', highlight: true, limit: 5 });
    assert.ok(page.items.length > 0);
    for (const movie of page.items) {
      const mark = movie._highlight;
      assert.ok(mark, movie.title);
      const pacino = Object.keys(mark.cast).find((name) => name.includes('Pacino'));
      assert.ok(pacino, `${movie.title}: Al Pacino is marked`);
      assert.deepEqual(
        mark.cast[pacino]?.map(([s, e]) => pacino.slice(s, e)),
        ['Pacino'],
      );
      assert.deepEqual(
        mark.title.map(([s, e]) => movie.title.slice(s, e)),
        ['Godf'],
        `${movie.title}: only the typed prefix`,
      );
    }
  });

  test('facets may also be the comma-separated string the API takes', async () => {
    const params: ListMoviesQuery = { genre: ['Western'], facets: 'genre,cast', facet_limit: 4 };
    const page = await client.search(params);
    assert.deepEqual(page, await client.search({ ...params, facets: ['genre', 'cast'] }));
    const request = reference({ genres: ['Western'], sort: 'year:desc' });
    assert.deepEqual(page.facets?.genre, referenceFacet(movies, request, 'genre', 4), 'the genre facet ignores the genre filter');
    assert.deepEqual(page.facets?.cast, referenceFacet(movies, request, 'cast', 4));
    assert.equal(page.total, undefined, 'no total without count');
  });

  test('an unknown facet or sort is a CinedexApiError naming the parameter', async () => {
    const facet = await client.search({ facets: ['genre', 'rating' as FacetName] }).then(
      () => assert.fail('rating is not a facet'),
      (e: unknown) => e,
    );
    assert.ok(facet instanceof CinedexApiError);
    assert.equal(facet.parameter, 'facets');
    assert.match(facet.detail, /"rating" is not one of them/);
    assert.equal(facet.url, `${api.base}/v1/movies?facets=genre%2Crating`);
    await assert.rejects(
      client.search({ sort: 'relevance' }),
      (e: unknown) => e instanceof CinedexApiError && e.status === 400 && e.parameter === 'sort' && /needs q/.test(e.detail),
    );
  });

  test('pages() follows next_cursor in every sort: the reference order, each movie once', async () => {
    const orders = ['relevance', 'year:desc', 'year:asc', 'title:asc', 'title:desc'] as const;
    for (const sort of orders) {
      const pages = await walk(client, { q: 'star', year_from: 1977, year_to: 1999, sort, limit: 7, count: true });
      const expected = referenceSearch(movies, reference({ q: 'star', yearFrom: 1977, yearTo: 1999, sort }));
      assert.ok(expected.length > 3 * 7, `${sort}: several pages`);
      assert.deepEqual(
        pages.flatMap((p) => p.items.map((m) => m.id)),
        expected.map((m) => m.id),
        sort,
      );
      assert.ok(
        pages.every((p) => p.total === expected.length),
        `${sort}: every page counts every match`,
      );
    }
  });

  test('movies() leaves count and facets out, since it yields only items, and yields what pages() does', async () => {
    const urls: string[] = [];
    const recording = new Cinedex({
      baseUrl: api.base,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    const params: ListMoviesQuery = {
      q: 'love',
      year_from: 1950,
      year_to: 1959,
      facets: ['genre'],
      count: true,
      highlight: true,
      limit: 10,
    };
    const items: MoviePageItem[] = [];
    for await (const movie of recording.movies(params)) items.push(movie);
    assert.ok(urls.length > 1, 'several pages');
    for (const url of urls) {
      const sent = new URL(url).searchParams;
      assert.deepEqual([sent.has('count'), sent.has('facets')], [false, false], url);
      assert.equal(sent.get('highlight'), 'true', 'items keep their highlights');
    }
    assert.deepEqual(
      items,
      (await walk(client, params)).flatMap((p) => p.items),
    );
  });
});
