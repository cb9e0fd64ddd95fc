import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListRequest } from '../../src/query/parse-query.js';
import { QueryError } from '../../src/query/query-error.js';

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
    query: { title: 'amelie', year: 1996, cast: ['tom cruise', 'ving rhames'], genres: ['action'] },
    limit: 20,
  });
  assert.deepEqual(parseListRequest(''), { query: { cast: [], genres: [] }, limit: 20 });
});

test('empty values count as absent, also for single-valued parameters given twice', () => {
  assert.deepEqual(parseListRequest('title=&year=&cast=&limit=&cursor=&year=1999'), {
    query: { year: 1999, cast: [], genres: [] },
    limit: 20,
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
  rejects('titel=x', 'titel', /unknown parameter "titel"; the parameters are title, year, cast, genre, limit, cursor/);
  rejects('year=1990&year=1991', 'year', /year may be given only once/);
  rejects('title=a&title=b', 'title', /only once/);
  rejects('limit=5&limit=6', 'limit', /only once/);
  rejects('cursor=a&cursor=b', 'cursor', /only once/);
  rejects('title=%E0%A4%A', 'title', /invalid percent-encoding/);
  rejects('%ZZ=1', 'parameter name', /invalid percent-encoding/);
  rejects(Array.from({ length: 11 }, (_, i) => `cast=a${i}`).join('&'), 'cast', /at most 10 times/);
  rejects(`title=${'a'.repeat(501)}`, 'title', /at most 500/);
});
