import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListRequest } from '../../src/query/parse-query.js';
import { QueryError } from '../../src/errors/errors.js';

/** What a request is without parameters. */
const DEFAULTS = { sort: 'year:desc', limit: 20, facets: [], facetLimit: 20, count: false, highlight: false };

/** A parsed query: every field present, undefined when absent (one shape for every query the parser makes). */
const queryOf = (fields: Record<string, unknown>) => ({
  title: undefined,
  year: undefined,
  yearFrom: undefined,
  yearTo: undefined,
  cast: [],
  genres: [],
  q: undefined,
  phrases: undefined,
  exclude: undefined,
  match: undefined,
  ...fields,
});

function rejects(search: string, parameter: string, pattern: RegExp): void {
  assert.throws(
    () => parseListRequest(search),
    (error: unknown) => error instanceof QueryError && error.parameter === parameter && pattern.test(error.message),
    `expected ${search} to be rejected on ${parameter}`,
  );
}

test('filters are normalised, lists deduplicated and sorted, defaults applied', () => {
  const request = parseListRequest('title=%20Am%C3%A9lie%20&cast=Tom+Cruise&cast=tom%20cruise&cast=Ving+Rhames&genre=ACTION&year=1996');
  assert.deepEqual(request, {
    ...DEFAULTS,
    query: queryOf({ title: 'amelie', year: 1996, cast: ['tom cruise', 'ving rhames'], genres: ['action'] }),
  });
  assert.deepEqual(parseListRequest(''), { ...DEFAULTS, query: queryOf({}) });
});

/**
 * The engine reads the same fields of every request's query (the filter memo's hash, the plan): queries of one shape
 * keep those reads monomorphic. Whatever parameters a request has, its query has every field, in one order.
 */
test('every parsed query has the same fields in the same order, whichever parameters it was given', () => {
  const searches = [
    '',
    'cast=Tom+Hanks',
    'year=1999&genre=Drama',
    'title=matrix&year_from=1990&year_to=2000',
    'q=%22new+hope%22+-musical&match=all',
    'genre=Comedy&title=love&cast=Hugh+Grant&year_to=2005',
  ];
  const shapes = searches.map((search) => Object.keys(parseListRequest(search).query));
  for (const [i, keys] of shapes.entries()) assert.deepEqual(keys, shapes[0], searches[i]);
});

test('empty values count as absent, also for single-valued parameters given twice', () => {
  assert.deepEqual(parseListRequest('title=&year=&cast=&limit=&cursor=&q=&sort=&facets=&count=&year=1999'), {
    ...DEFAULTS,
    query: queryOf({ year: 1999 }),
  });
});

test('punctuation and one-character titles are searchable', () => {
  assert.equal(parseListRequest('title=%3A').query.title, ':');
  assert.equal(parseListRequest('title=x').query.title, 'x');
});

test('limit bounds', () => {
  assert.equal(parseListRequest('limit=1').limit, 1);
  assert.equal(parseListRequest('limit=100').limit, 100);
  for (const bad of ['0', '101', 'x', '-1', '1.5', '1e2', '0100'])
    rejects(`limit=${bad}`, 'limit', /limit must be a whole number from 1 to 100/);
});

test('malformed years are rejected, not guessed', () => {
  for (const bad of ['abc', '19x6', '1996.0', '-1996', '12345', '+1996'])
    rejects(`year=${encodeURIComponent(bad)}`, 'year', /year must be a whole number/);
});

test('unknown, repeated and badly encoded parameters are rejected with their name', () => {
  rejects(
    'titel=x',
    'titel',
    /unknown parameter "titel"; the parameters are q, title, year, year_from, year_to, cast, genre, sort, facets, facet_limit, count, highlight, match, limit, cursor/,
  );
  rejects('year=1990&year=1991', 'year', /year may be given only once/);
  rejects('title=a&title=b', 'title', /only once/);
  rejects('limit=5&limit=6', 'limit', /only once/);
  rejects('cursor=a&cursor=b', 'cursor', /only once/);
  rejects('title=%E0%A4%A', 'title', /invalid percent-encoding/);
  rejects('%ZZ=1', 'parameter name', /invalid percent-encoding/);
  rejects(Array.from({ length: 11 }, (_, i) => `cast=a${i}`).join('&'), 'cast', /at most 10 times/);
  rejects(`title=${'a'.repeat(501)}`, 'title', /at most 500/);
});

test('q: folded words in the order typed; relevance is the default order with it, and needs it', () => {
  const r = parseListRequest('q=Schindler%E2%80%99s+LIST+am%C3%A9lie');
  assert.deepEqual(r.query.q, ['schindler', 's', 'list', 'amelie']);
  assert.equal(r.sort, 'relevance');
  assert.equal(parseListRequest('q=matrix&sort=year:asc').sort, 'year:asc');
  assert.deepEqual(parseListRequest('q=%21%3F').query.q, [], 'punctuation alone is no word');
  rejects('sort=relevance', 'sort', /sort=relevance needs q/);
  rejects('sort=rating', 'sort', /sort must be one of year:desc, year:asc, title:asc, title:desc, relevance, got "rating"/);
  rejects(`q=${'a '.repeat(21)}`, 'q', /q may have at most 20 words, got 21/);
  rejects(`q=${'a'.repeat(501)}`, 'q', /q must be at most 500 characters/);
});

test('year ranges, facets, counts and highlights', () => {
  const r = parseListRequest('year_from=1990&year_to=1999&facets=cast,%20genre,cast&facet_limit=5&count=true&highlight=false');
  assert.deepEqual(
    [r.query.yearFrom, r.query.yearTo, r.facets, r.facetLimit, r.count, r.highlight],
    [1990, 1999, ['genre', 'cast'], 5, true, false],
  );
  assert.equal(parseListRequest('year_to=1950').query.yearTo, 1950, 'either bound alone is open-ended');
  rejects('year_from=2000&year_to=1990', 'year_from', /year_from \(2000\) is after year_to \(1990\)/);
  rejects('year_from=19x0', 'year_from', /year_from must be a whole number/);
  rejects('facets=genre,rating', 'facets', /facets is a comma-separated list of genre, year, decade, cast; "rating" is not one of them/);
  rejects('facet_limit=101', 'facet_limit', /facet_limit must be a whole number from 1 to 100/);
  rejects('count=yes', 'count', /count must be true or false, got "yes"/);
  rejects('highlight=1', 'highlight', /highlight must be true or false/);
});

test('match is most (the default, left out of the canonical query) or all', () => {
  assert.equal(parseListRequest('q=a+b').query.match, undefined);
  assert.equal(parseListRequest('q=a+b&match=most').query.match, undefined);
  assert.equal(parseListRequest('q=a+b&match=all').query.match, 'all');
  rejects('q=a&match=any', 'match', /match must be one of most, all, got "any"/);
});
