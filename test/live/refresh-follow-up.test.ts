import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LiveCatalogue } from '../../src/live/live-catalogue.js';
import { SnapshotRefresher } from '../../src/live/refresher.js';
import { LoadPhases } from '../../src/snapshot/load-phases.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import { FolderStore } from '../../src/store/folder-store.js';
import type { ByteSink, StoredObject } from '../../src/store/object-store.js';
import { seededFolder, silent } from '../support/catalogue-store.js';
import { seedIndex } from '../support/seed-index.js';

const seed = seedIndex().movies.slice(0, 2000);

/** The store a replica reads, holding every segment read at a gate until the test opens it. */
class GatedStore extends FolderStore {
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  reached: Promise<void> = Promise.resolve();
  private arrived: (() => void) | undefined;

  close(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
    this.reached = new Promise((resolve) => (this.arrived = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  override async readInto(key: string, sinkFor: (object: StoredObject) => ByteSink) {
    if (this.gate !== undefined && key.startsWith('catalogue/segments/')) {
      this.arrived?.();
      await this.gate;
    }
    return super.readInto(key, sinkFor);
  }
}

test('a refresh asked for while a check is loading an older version loads the newer one right after it', async () => {
  const s = await seededFolder(seed);
  const store = new GatedStore(join(s.root, 'store'));
  const live = new LiveCatalogue();
  const refresher = new SnapshotRefresher(new SnapshotRepository(store), live, silent);
  assert.equal(await refresher.refresh(), 'swapped');

  s.drop('acme/1.json', [{ title: 'Published First', year: 2026, genres: ['Drama'] }], 1_700_000_000);
  assert.ok((await s.ingest()).published);
  store.close();
  const loadingFirst = refresher.refresh();
  await store.reached;
  // A run publishes again while the replica is still reading the first run's delta.
  s.drop('acme/2.json', [{ title: 'Published Second', year: 2026, genres: ['Drama'] }], 1_700_000_100);
  assert.ok((await s.ingest()).published);
  const newest = (await s.repository.current())!.pointer.version;
  const asked = refresher.refresh();
  store.release();
  assert.equal(await loadingFirst, 'swapped');
  assert.equal(await asked, 'swapped', 'the refresh asked for after the second run is a check of its own');
  assert.equal(live.dataset?.index.version, newest);
  assert.equal(await refresher.refresh(), 'unchanged');
});

test("the phases a refresh is given say when the segment's read is under way, before the load is over", async () => {
  const s = await seededFolder(seed);
  const events: string[] = [];
  const store = new (class extends FolderStore {
    override async readInto(key: string, sinkFor: (object: StoredObject) => ByteSink) {
      const got = await super.readInto(key, sinkFor);
      if (key.startsWith('catalogue/segments/')) events.push('segment read');
      return got;
    }
  })(join(s.root, 'store'));
  const refresher = new SnapshotRefresher(new SnapshotRepository(store), new LiveCatalogue(), silent);
  const phases = new LoadPhases();
  const loading = refresher.refresh(phases).then((result) => events.push(result));
  await phases.segmentReading;
  events.push('reading');
  await loading;
  assert.deepEqual(events, ['reading', 'segment read', 'swapped']);
  assert.ok('segmentReadAndHash' in phases.toJSON(), JSON.stringify(phases));
});
