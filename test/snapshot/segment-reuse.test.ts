import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatasetLoader } from '../../src/snapshot/load-dataset.js';
import { seededFolder } from '../support/catalogue-store.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * A replica loads a new version by reading only the segments it does not hold: the base it already
 * has is the very same object in the next version (one copy in memory), and a segment the merge
 * policy replaced is let go.
 */
test('the next version shares the loaded base and adds only its delta', async () => {
  const movies = seedIndex().movies.slice(0, 100);
  const s = await seededFolder(movies);
  const loader = new DatasetLoader(s.repository);
  const first = await loader.load((await s.repository.current())!.pointer);
  const m = movies[3]!;
  s.drop('acme/1.json', [{ title: m.title, year: m.year, cast: ['New'] }], 1_700_000_000);
  const outcome = await s.ingest();
  assert.ok(outcome.published && !outcome.merge);
  const second = await loader.load(outcome.pointer);
  assert.equal(second.index.segments.length, 2);
  assert.equal(second.index.segments[0]!.index, first.index.segments[0]!.index, 'the base is shared, not read again');
  assert.notEqual(second.index.segments[1]!.index, first.index.segments[0]!.index);
  // A loader that held nothing reads every segment afresh.
  const fresh = await new DatasetLoader(s.repository).load(outcome.pointer);
  assert.notEqual(fresh.index.segments[0]!.index, first.index.segments[0]!.index);
});
