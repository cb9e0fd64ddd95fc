import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Movie } from '../../src/catalogue/movie.js';
import { startApi, type RunningApi } from '../support/api-server.js';

/** Issue 18's examples for `q` over HTTP, on the seed: numbers, joined and split words, partial matches. */

let api: RunningApi;
before(async () => {
  api = await startApi();
});
after(() => api.app.close());

interface Page {
  items: Movie[];
  total?: number;
  partial?: { words: number; matched: number };
}

async function search(query: string): Promise<Page> {
  const res = await fetch(`${api.base}/v1/movies?${query}`);
  assert.equal(res.status, 200, query);
  return (await res.json()) as Page;
}

test('numbers however written, words joined and split: the film first', async () => {
  const cases: [string, string][] = [
    ['superman 2', 'Superman II'],
    ['police academy four', 'Police Academy 4: Citizens on Patrol'],
    ['rocky iii', 'Rocky III'],
    ['ironman', 'Iron Man'],
    ['bat man', 'Batman'],
    ['spiderman', 'Spider-Man'],
  ];
  for (const [q, title] of cases) {
    const page = await search(new URLSearchParams({ q, limit: '3' }).toString());
    assert.equal(page.items[0]?.title, title, q);
    assert.equal(page.partial, undefined, q);
  }
});

test('partial matches: the answer says so and counts them; match=all empties the page; a bad match is a 400', async () => {
  const page = await search('q=jurassic+park+dinosaur&count=true&limit=5');
  assert.equal(page.items[0]?.title, 'Jurassic Park');
  assert.deepEqual(page.partial, { words: 3, matched: 2 });
  assert.ok((page.total ?? 0) >= 3);
  const strict = await search('q=jurassic+park+dinosaur&match=all&count=true');
  assert.deepEqual([strict.items.length, strict.total, strict.partial], [0, 0, undefined]);
  const res = await fetch(`${api.base}/v1/movies?q=jurassic&match=some`);
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as { detail: string }).detail, /match must be one of most, all/);
});

test('a phrase and an exclusion over HTTP: `"new hope"`, `star wars -clones`', async () => {
  const phrase = await search(new URLSearchParams({ q: '"new hope" star', limit: '5' }).toString());
  assert.equal(phrase.items[0]?.title, 'Star Wars Episode IV: A New Hope (aka Star Wars)');
  const excluded = await search(new URLSearchParams({ q: 'star wars -clones', limit: '100' }).toString());
  assert.ok(excluded.items.length > 5 && excluded.items.every((m) => !/\bclones\b/i.test(m.title)));
});
