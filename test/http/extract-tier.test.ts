import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { LiveCatalogue } from '../../src/live/live-catalogue.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { datasetFrom } from '../support/seed-index.js';

/** docs/api.md's examples of the extract tier, over a real socket, on movies with extracts as the 2023 data has them. */

const films = [
  {
    title: 'Twister',
    year: 1996,
    cast: ['Helen Hunt', 'Bill Paxton'],
    extract: 'Twister is a 1996 disaster film about a group of storm chasers trying to deploy a tornado research device in Oklahoma.',
  },
  {
    title: 'Air Force One',
    year: 1997,
    cast: ['Harrison Ford'],
    extract: "Terrorists hijack Air Force One and the President's attempt to retake his plane.",
  },
  { title: 'Storm Chasers', year: 2011, cast: ['Reed Timmer'], extract: 'Storm Chasers is a documentary series.' },
  { title: 'The Matrix', year: 1999, cast: ['Keanu Reeves'] },
];
const movies: Movie[] = films.map((f) => ({ id: movieId(f.title, f.year, 0), genres: [], ...f }));

let api: RunningApi;
before(async () => {
  const live = new LiveCatalogue();
  live.swap(datasetFrom('extracts', movies));
  api = await startApi({ live });
});
after(() => api.app.close());

interface Item {
  title: string;
  extract?: string;
  _highlight?: { title: [number, number][]; extract?: [number, number][] };
}

async function items(query: string): Promise<{ items: Item[]; total?: number }> {
  const res = await fetch(`${api.base}/v1/movies?${query}`);
  assert.equal(res.status, 200, query);
  return (await res.json()) as { items: Item[]; total?: number };
}

test('`tornado storm chasers`: Twister, whose extract has all three words, before Storm Chasers, whose extract has two', async () => {
  const page = await items('q=tornado+storm+chasers&count=true');
  assert.deepEqual(
    page.items.map((m) => m.title),
    ['Twister', 'Storm Chasers'],
    'neither title has every word, so both are in the extract tier',
  );
  assert.equal(page.total, 2);
});

test("`president's plane hijacked` finds Air Force One through its extract, with highlights into the extract", async () => {
  const page = await items(`q=${encodeURIComponent("president's plane hijacked")}&highlight=true`);
  const [first] = page.items;
  assert.equal(first?.title, 'Air Force One');
  const marks = first?._highlight?.extract ?? [];
  assert.deepEqual(
    marks.map(([s, e]) => first?.extract?.slice(s, e)),
    ['hijack', 'President', 'plane'],
  );
  assert.deepEqual(first?._highlight?.title, []);
});

test('a movie without an extract answers as before: `matrix` by its title, and no extract highlight', async () => {
  const page = await items('q=matrix&highlight=true');
  assert.deepEqual(
    page.items.map((m) => m.title),
    ['The Matrix'],
  );
  assert.equal(page.items[0]?._highlight?.extract, undefined);
});

test('the extract tier pages with next_cursor like any relevance order: each match once', async () => {
  const whole = await items('q=storm+plane+tornado&limit=10');
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${api.base}/v1/movies?q=storm+plane+tornado&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    const body = (await res.json()) as { items: Item[]; next_cursor: string | null };
    seen.push(...body.items.map((m) => m.title));
    cursor = body.next_cursor;
  } while (cursor !== null);
  assert.deepEqual(
    seen,
    whole.items.map((m) => m.title),
  );
  assert.deepEqual([...seen].sort(), ['Air Force One', 'Storm Chasers', 'Twister']);
});
