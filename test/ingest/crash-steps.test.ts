import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { runIngestion, type IngestOptions } from '../../src/ingest/ingestion.js';
import { compactNow } from '../../src/snapshot/merge-policy.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import type { VersionPointer } from '../../src/snapshot/snapshot.js';
import { FolderStore } from '../../src/store/folder-store.js';
import type { ByteSink, ChunkedPutOptions, GetOptions, ObjectStore, PutOptions, StoredObject } from '../../src/store/object-store.js';
import { publishCatalogue, servedMovies } from '../support/catalogue-store.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * A crash at every step of a run and of the compaction after it: the store fails (as a killed
 * process would stop) before the n-th write or delete, for every n a run makes. Whatever n, the
 * pointer names a whole version (the old one or a new one), and a rerun publishes the very version
 * an uninterrupted run publishes, byte for byte, serving the same movies.
 */
const seed = seedIndex().movies.slice(0, 40);
const silent = pino({ level: 'silent' });
const retention = { keep: 2, graceMs: 0 };
class Crash extends Error {}

/** A store that stops working before its n-th change (put or delete), as if the process died there. */
class CrashingStore implements ObjectStore {
  changes = 0;
  constructor(
    private readonly inner: ObjectStore,
    private readonly crashAt: number,
  ) {}
  get location(): string {
    return this.inner.location;
  }
  list(prefix: string): AsyncIterable<StoredObject> {
    return this.inner.list(prefix);
  }
  head(key: string): Promise<StoredObject | undefined> {
    return this.inner.head(key);
  }
  get(key: string, options?: GetOptions): Promise<{ body: Buffer; object: StoredObject } | undefined> {
    return this.inner.get(key, options);
  }
  readInto(key: string, sinkFor: (object: StoredObject) => ByteSink): Promise<StoredObject | undefined> {
    return this.inner.readInto(key, sinkFor);
  }
  put(key: string, body: Buffer, options?: PutOptions): Promise<StoredObject> {
    this.step();
    return this.inner.put(key, body, options);
  }
  putChunks(key: string, chunks: Iterable<Uint8Array>, options: ChunkedPutOptions): Promise<void> {
    this.step();
    return this.inner.putChunks(key, chunks, options);
  }
  delete(key: string): Promise<void> {
    this.step();
    return this.inner.delete(key);
  }
  private step(): void {
    if (++this.changes === this.crashAt) throw new Crash(`crashed before change ${this.crashAt}`);
  }
}

/**
 * The store and inbox before the run under test, built once and copied for every crash. Inbox files
 * carry a fixed mtime later than their ctime, so their visibility time (the later of the two) is the
 * same in every copy, and so are the bytes a run writes.
 */
async function template(underTest = 1): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'cinedex-crash-'));
  const catalogue = new FolderStore(join(root, 'store'));
  const inbox = new FolderStore(join(root, 'inbox'));
  await publishCatalogue(new SnapshotRepository(catalogue), seed);
  // Two earlier runs, so that collection has versions to delete when the run under test publishes.
  for (let i = 0; i < 2; i++) {
    const m = seed[i]!;
    await inbox.put(`acme/early-${i}.json`, Buffer.from(JSON.stringify([{ title: m.title, year: m.year, cast: ['Early'] }])));
    await runIngestion({ repository: new SnapshotRepository(catalogue), inbox, maxObjectBytes: 1 << 20, log: silent, retention });
  }
  const records = seed
    .slice(10, 40)
    .map((m, i) => (i % 5 === 0 ? { title: m.title, year: m.year, deleted: true } : { title: m.title, year: m.year, genres: ['Crashed'] }));
  const all = [...records, { title: 'Brand New', year: 2024 }];
  const names = Array.from({ length: underTest }, (_, f) => (underTest === 1 ? 'under-test' : `under-test-${f}`));
  for (const [f, name] of names.entries()) {
    const share = all.filter((_, i) => i % underTest === f);
    await inbox.put(`acme/${name}.json`, Buffer.from(JSON.stringify(share)));
  }
  for (const [i, name] of ['early-0', 'early-1', ...names].entries())
    utimesSync(join(root, 'inbox', 'acme', `${name}.json`), FIXED + i, FIXED + i);
  return root;
}

const FIXED = Date.parse('2029-06-01T00:00:00Z') / 1000;

function copyOf(root: string) {
  const copy = mkdtempSync(join(tmpdir(), 'cinedex-crash-copy-'));
  cpSync(root, copy, { recursive: true, preserveTimestamps: true });
  return { catalogue: new FolderStore(join(copy, 'store')), inbox: new FolderStore(join(copy, 'inbox')) };
}

function ingest(store: ObjectStore, inbox: ObjectStore, now: Date, options: Pick<IngestOptions, 'runBytes' | 'mergePolicy'> = {}) {
  return runIngestion({
    repository: new SnapshotRepository(store),
    inbox,
    maxObjectBytes: 1 << 20,
    log: silent,
    retention,
    mergePolicy: compactNow,
    now: () => now,
    ...options,
  });
}

test('a crash before any write or delete of a run or its compaction leaves a whole version; the rerun publishes the same one', async () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const root = await template();
  const clean = copyOf(root);
  const counting = new CrashingStore(clean.catalogue, Infinity);
  const outcome = await ingest(counting, clean.inbox, now);
  assert.ok(outcome.published && outcome.merge, 'the run publishes, then compacts');
  const expected = await publishedState(clean.catalogue);
  assert.ok(counting.changes >= 8, `a run and its compaction make ${counting.changes} changes`);

  for (let n = 1; n <= counting.changes; n++) {
    const { catalogue, inbox } = copyOf(root);
    const before = await new SnapshotRepository(catalogue).current();
    await assert.rejects(ingest(new CrashingStore(catalogue, n), inbox, now), Crash);
    const after = (await new SnapshotRepository(catalogue).current())!.pointer as VersionPointer;
    // Old, the run's own, or the compaction's: always a version whose objects are all there.
    assert.ok(after.sequence >= before!.pointer.sequence && after.sequence <= expected.sequence, `crash at change ${n}`);
    await servedMovies(new SnapshotRepository(catalogue));
    await ingest(catalogue, inbox, now);
    assert.deepEqual(await publishedState(catalogue), expected, `rerun after a crash at change ${n}`);
  }
});

test('a crash between the batches of a backlog larger than MOVIES_INGEST_RUN_BYTES keeps the batches before it; the rerun ends where one run does', async () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const root = await template(2);
  // Each under-test file a batch of its own; no merges, so every change is a batch's.
  const options = { runBytes: 300, mergePolicy: () => ({ kind: 'none' }) as const };
  const clean = copyOf(root);
  const counting = new CrashingStore(clean.catalogue, Infinity);
  const outcome = await ingest(counting, clean.inbox, now, options);
  assert.ok(outcome.published);
  assert.equal(outcome.runs.length, 2, 'two batches, a version each');
  assert.equal(outcome.applied.length, 2);
  const expected = await publishedState(clean.catalogue);

  for (let n = 1; n <= counting.changes; n++) {
    const { catalogue, inbox } = copyOf(root);
    await assert.rejects(ingest(new CrashingStore(catalogue, n), inbox, now, options), Crash);
    await servedMovies(new SnapshotRepository(catalogue));
    await ingest(catalogue, inbox, now, options);
    assert.deepEqual(await publishedState(catalogue), expected, `rerun after a crash at change ${n}`);
  }
});

/** The published version's name, its manifest's bytes and what it serves. */
async function publishedState(store: ObjectStore) {
  const repository = new SnapshotRepository(store);
  const pointer = (await repository.current())!.pointer as VersionPointer;
  const manifest = (await store.get(pointer.manifest.key))!.body.toString('utf8');
  return { sequence: pointer.sequence, version: pointer.version, manifest, movies: await servedMovies(repository) };
}
