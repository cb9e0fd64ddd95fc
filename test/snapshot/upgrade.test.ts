import { test } from 'node:test';
import assert from 'node:assert/strict';
import { movieId } from '../../src/catalogue/id.js';
import { MergeState } from '../../src/merge/merge-state.js';
import { encodeSnapshot, sha256Hex } from '../../src/snapshot/state-codec.js';
import { DatasetLoader } from '../../src/snapshot/load-dataset.js';
import { POINTER_KEY, type LegacyPointer } from '../../src/snapshot/snapshot.js';
import { seededFolder, silent, TEST_RETENTION } from '../support/catalogue-store.js';
import { seedIndex } from '../support/seed-index.js';
import { runIngestion } from '../../src/ingest/ingestion.js';

/**
 * A store the previous release left behind: a format-1 pointer naming one NDJSON snapshot with the
 * audit inline. This release serves it as it is, and its next ingestion run converts it to format 3
 * without losing a line of history.
 */
test('a format-1 snapshot is served as is; the next run converts it to format 3 and keeps its history', async () => {
  const movies = seedIndex().movies.slice(0, 300);
  const s = await seededFolder(movies);
  const alpha = movies[10]!;
  const id = alpha.id;
  // What the previous release wrote: the audit inside the snapshot, a format-1 pointer.
  const ledger = [
    {
      key: 'acme/old.json',
      etag: 'e1',
      lastModified: 1_600_000_000_000,
      size: 10,
      provider: 'acme',
      run: 'run-2',
      status: 'applied' as const,
      recordsApplied: 1,
      recordsRejected: 0,
      rejections: [],
    },
  ];
  const state = MergeState.fromMovies(movies);
  const legacy = {
    sequence: 2,
    basedOn: 'x',
    entries: [...state.allEntries()],
    ledger,
    runs: [],
    audit: [{ id, field: 'cast' as const, old: ['A'], new: alpha.cast, source: 0, run: 'run-2' }],
  };
  const bytes = await encodeSnapshot(legacy);
  const sha256 = sha256Hex(bytes);
  await s.repository.store.put('catalogue/snapshots/legacy.ndjson.gz', bytes);
  const pointer: LegacyPointer = {
    format: 'cinedex-pointer/1',
    version: `2-${sha256.slice(0, 12)}`,
    snapshotKey: 'catalogue/snapshots/legacy.ndjson.gz',
    sha256,
    bytes: bytes.length,
    sequence: 2,
    movies: movies.length,
    createdAt: new Date().toISOString(),
  };
  await s.repository.store.put(POINTER_KEY, Buffer.from(JSON.stringify(pointer)));

  const served = await new DatasetLoader(s.repository).load(pointer);
  assert.equal(served.index.size, movies.length);
  assert.deepEqual(
    (await served.history(id)).map((h) => [h.field, h.old, h.object]),
    [['cast', ['A'], 'acme/old.json']],
  );

  s.drop('acme/new.json', [{ title: alpha.title, year: alpha.year, cast: ['B'] }], 1_700_000_000);
  const outcome = await runIngestion({
    repository: s.repository,
    inbox: s.inbox,
    maxObjectBytes: 1 << 20,
    log: silent,
    retention: TEST_RETENTION,
  });
  assert.ok(outcome.published);
  assert.equal(outcome.pointer.format, 'cinedex-pointer/3');
  assert.equal(outcome.pointer.sequence, 4, 'the conversion is a version of its own (3), the run the next (4)');
  const upgraded = await new DatasetLoader(s.repository).load(outcome.pointer);
  assert.deepEqual(
    (await upgraded.history(id)).map((h) => [h.field, h.old, h.new, h.object]),
    [
      ['cast', alpha.cast, ['B'], 'acme/new.json'],
      ['cast', ['A'], alpha.cast, 'acme/old.json'],
    ],
    'the old history moved into the state buckets, the new change on top',
  );
  assert.deepEqual(await upgraded.history(movieId('No Such Movie', 1900)), []);
});
