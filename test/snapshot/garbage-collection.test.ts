import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { runIngestion } from '../../src/ingest/ingestion.js';
import type { MergePolicy } from '../../src/snapshot/merge-policy.js';
import { DatasetLoader } from '../../src/snapshot/load-dataset.js';
import { manifestReferences } from '../../src/snapshot/manifest.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import { CATALOGUE_PREFIX, POINTER_KEY, type VersionPointer } from '../../src/snapshot/snapshot.js';
import { FolderStore } from '../../src/store/folder-store.js';
import type { ObjectStore } from '../../src/store/object-store.js';
import { publishCatalogue } from '../support/catalogue-store.js';
import { startS3, type S3Server } from '../support/s3-server.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * Garbage collection against a folder and a real S3-protocol server: it never deletes what the
 * pointer or a kept version names, nor what a run in progress has written, not even while a replica
 * is still loading a version that has just been superseded; and what no kept version needs does go.
 */
const movies = seedIndex().movies.slice(0, 200);
const retention = { keep: 2, graceMs: 1500 };
const silent = pino({ level: 'silent' });
let s3: S3Server | undefined;

after(async () => {
  await s3?.close();
});

const stores: [string, () => Promise<{ catalogue: ObjectStore; inbox: ObjectStore }>][] = [
  [
    'folder',
    async () => {
      const root = mkdtempSync(join(tmpdir(), 'cinedex-gc-'));
      return { catalogue: new FolderStore(join(root, 'store')), inbox: new FolderStore(join(root, 'inbox')) };
    },
  ],
  [
    's3',
    async () => {
      s3 ??= await startS3();
      return { catalogue: s3.store('gc-catalogue/'), inbox: s3.store('gc-inbox/') };
    },
  ],
];

/** Merges of deltas and compactions in turn, so every kind of object gets superseded. */
const policy: MergePolicy = (_base, deltas) =>
  deltas.length >= 3 ? { kind: 'base' } : deltas.length === 2 ? { kind: 'deltas', from: 0 } : { kind: 'none' };

describe('garbage collection', () => {
  for (const [kind, open] of stores) {
    test(`${kind}: a replica loading a superseded version finds every object; kept versions stay whole; the rest goes`, async () => {
      const { catalogue, inbox } = await open();
      const repository = new SnapshotRepository(catalogue);
      await publishCatalogue(repository, movies);
      // An object a run in progress has written under the next sequence: never the collector's.
      const inProgress = 'catalogue/segments/00000999-in-progress.seg';
      await catalogue.put(inProgress, Buffer.from('a run still writing'));

      let stop = false;
      let loads = 0;
      // A slow replica: reads the pointer, takes its time (less than the grace period), then loads.
      const replica = (async () => {
        while (!stop) {
          // A read racing the pointer's write sees the old pointer or the new one, whole, from either store (the
          // test's s3rver is made to write whole objects, as S3 does): a failed read is a failure.
          const current = await repository.current();
          assert.ok(current, 'the store has a pointer throughout');
          await sleep(400);
          const dataset = await new DatasetLoader(repository).load(current.pointer);
          assert.ok(dataset.index.size > 0);
          loads++;
        }
      })();
      let last: VersionPointer | undefined;
      // At least six runs, and more until the replica has loaded three versions meanwhile: how many loads fit in six runs
      // depends on the machine's load (one, once, at three test files at a time), and the point is loads racing collections.
      for (let run = 0; run < 6 || (loads < 3 && run < 60); run++) {
        const movie = movies[run % movies.length]!;
        await inbox.put(`acme/${run}.json`, Buffer.from(JSON.stringify([{ title: movie.title, year: movie.year, cast: [`Run ${run}`] }])));
        const outcome = await runIngestion({ repository, inbox, maxObjectBytes: 1 << 20, log: silent, retention, mergePolicy: policy });
        assert.ok(outcome.published);
        last = outcome.merge?.pointer ?? outcome.pointer;
        await sleep(150);
      }
      stop = true;
      await replica;
      assert.ok(loads >= 3, `the replica loaded ${loads} versions while runs collected garbage`);

      // Once the grace period is over, a run keeps exactly what the last `keep` versions name, plus its
      // own: it collects before it publishes.
      await sleep(retention.graceMs + 100);
      await inbox.put('acme/last.json', Buffer.from(JSON.stringify([{ title: 'Brand New', year: 2020 }])));
      const outcome = await runIngestion({
        repository,
        inbox,
        maxObjectBytes: 1 << 20,
        log: silent,
        retention,
        mergePolicy: () => ({ kind: 'none' }),
      });
      assert.ok(outcome.published && last);
      const current = (await repository.current())!.pointer as VersionPointer;
      const kept = new Set([POINTER_KEY, inProgress]);
      let manifestRef: VersionPointer['manifest'] | null = current.manifest;
      for (let i = 0; i < retention.keep + 1 && manifestRef; i++) {
        const manifest = await repository.readManifest(manifestRef);
        kept.add(manifestRef.key);
        for (const key of manifestReferences(manifest)) kept.add(key);
        manifestRef = manifest.previous;
      }
      const present = new Set<string>();
      for await (const object of catalogue.list(CATALOGUE_PREFIX)) present.add(object.key);
      for (const key of kept) assert.ok(present.has(key), `${key} is named by a kept version`);
      const extra = [...present].filter((key) => !kept.has(key));
      assert.deepEqual(extra, [], 'nothing else stays once its grace period is over');
      assert.ok(current.store.collected.objects > 0, 'the last run collected what the others left');

      // Run after run, collection follows the chain only as far as it keeps: never into a manifest an
      // earlier collection deleted (which would stop every collection from then on).
      const warnings: string[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
      for (let run = 0; run < 4; run++) {
        await inbox.put(`acme/after-${run}.json`, Buffer.from(JSON.stringify([{ title: 'Brand New', year: 2020, cast: [`${run}`] }])));
        const after = await runIngestion({ repository, inbox, maxObjectBytes: 1 << 20, log, retention: { keep: 2, graceMs: 0 } });
        assert.ok(after.published);
        assert.ok(
          after.pointer.store.objects <= current.store.objects + 10,
          `the store stays bounded (${after.pointer.store.objects} objects)`,
        );
      }
      assert.deepEqual(warnings, [], 'no collection was skipped');
    });
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
