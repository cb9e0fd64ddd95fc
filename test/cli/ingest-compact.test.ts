import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { VersionPointer } from '../../src/snapshot/snapshot.js';
import { seededFolder } from '../support/catalogue-store.js';
import { runCli } from '../support/cli-process.js';
import { seedIndex } from '../support/seed-index.js';

const movies = seedIndex().movies.slice(0, 50);

test('`cinedex ingest --compact` merges the deltas into a new base whatever the policy says, and serves the same movies', async () => {
  const store = await seededFolder(movies);
  const env = { MOVIES_STORE: join(store.root, 'store'), MOVIES_INBOX: store.inboxDir, LOG_LEVEL: 'warn' };
  const manifest = async () => {
    const current = await store.repository.current();
    return store.repository.readManifest((current?.pointer as VersionPointer).manifest);
  };

  const changed = movies[7]!;
  store.drop('acme/one.json', [{ title: changed.title, year: changed.year, genres: [...changed.genres, 'Musical'] }], 1_700_000_000);
  const ingested = await runCli(['ingest'], env);
  assert.equal(ingested.code, 0, ingested.stderr + ingested.stdout);
  const before = await manifest();
  assert.equal(before.deltas.length, 1, 'one record is far under the merge policy’s bounds: the run leaves a delta');
  // The same movies, in key order (base + delta lists the changed movie last; one base in its place).
  const byId = async () => (await store.movies()).sort((a, b) => (a.id < b.id ? -1 : 1));
  const served = await byId();
  assert.ok(served.some((m) => m.title === changed.title && m.genres.includes('Musical')));

  const compacted = await runCli(['ingest', '--compact'], env);
  assert.equal(compacted.code, 0, compacted.stderr + compacted.stdout);
  const after = await manifest();
  assert.equal(after.deltas.length, 0);
  assert.notEqual(after.base.key, before.base.key);
  assert.equal(after.lastCompaction?.kind, 'base');
  assert.deepEqual(await byId(), served);

  const again = await runCli(['ingest', '--compact'], env);
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.equal((await manifest()).sequence, after.sequence, 'no delta left: nothing to compact, nothing published');
});

test('`--compact` with `--watch` is refused at start, naming both', async () => {
  const store = await seededFolder(movies);
  const run = await runCli(['ingest', '--watch', '--compact'], { MOVIES_STORE: join(store.root, 'store'), MOVIES_INBOX: store.inboxDir });
  assert.notEqual(run.code, 0);
  assert.match(run.stderr + run.stdout, /--compact[\s\S]*--watch|--watch[\s\S]*--compact/);
});
