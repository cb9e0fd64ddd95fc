import { test } from 'node:test';
import assert from 'node:assert/strict';
import { movieId } from '../../src/catalogue/id.js';
import { compactNow } from '../../src/snapshot/merge-policy.js';
import type { VersionPointer } from '../../src/snapshot/snapshot.js';
import { seededFolder } from '../support/catalogue-store.js';

/**
 * A backlog in batches is merged once, after its last batch: compacting after each batch would rewrite
 * the catalogue once per batch. The policy here asks for a new base after every version, so a merge
 * after each batch would leave the last compaction holding the base and one delta, not all of them.
 */
test('a backlog in batches is merged once, after the last batch, with every batch’s delta in that merge', async () => {
  const seeded = await seededFolder([{ id: movieId('Seeded', 1999), title: 'Seeded', year: 1999, cast: ['A Person'], genres: ['Drama'] }]);
  for (let i = 0; i < 3; i++) {
    seeded.drop(`p/${i}.json`, [{ title: `Batch ${i}`, year: 2001, cast: ['B Person'], genres: ['Comedy'] }], 1_900_000_000 + i);
  }
  const outcome = await seeded.ingest(1 << 20, undefined, compactNow, undefined, 100);
  assert.ok(outcome.published);
  assert.equal(outcome.runs.length, 3, 'a version per batch');
  assert.equal(outcome.merge?.kind, 'base');
  const current = (await seeded.repository.current())?.pointer as VersionPointer;
  const manifest = await seeded.repository.readManifest(current.manifest);
  assert.equal(manifest.lastCompaction?.segments, 4, 'the base and the three batches’ deltas, merged together');
  assert.equal(manifest.deltas.length, 0);
  assert.deepEqual((await seeded.movies()).map((m) => m.title).sort(), ['Batch 0', 'Batch 1', 'Batch 2', 'Seeded']);
});
