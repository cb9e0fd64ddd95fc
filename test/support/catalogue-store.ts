import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import type { Movie } from '../../src/catalogue/movie.js';
import { hasBit } from '../../src/engine/bits.js';
import { runIngestion, type IngestOutcome } from '../../src/ingest/ingestion.js';
import type { MergePolicy } from '../../src/snapshot/merge-policy.js';
import { MergeState } from '../../src/merge/merge-state.js';
import type { Retention } from '../../src/snapshot/collect-garbage.js';
import { EMPTY_LEDGER } from '../../src/snapshot/inbox-ledger.js';
import { DatasetLoader } from '../../src/snapshot/load-dataset.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import { writeWholeCatalogue } from '../../src/snapshot/write-version.js';
import { FolderStore } from '../../src/store/folder-store.js';
import type { ObjectStore, StoredObject } from '../../src/store/object-store.js';

export const silent = pino({ level: 'silent' });

/** A folder store seeded with `movies`, and an inbox beside it, as the embedded default lays them out. */
export async function seededFolder(movies: readonly Movie[]) {
  const root = mkdtempSync(join(tmpdir(), 'cinedex-ingest-'));
  const repository = new SnapshotRepository(new FolderStore(join(root, 'store')));
  const inboxDir = join(root, 'inbox');
  mkdirSync(inboxDir, { recursive: true });
  const inbox = new FolderStore(inboxDir);
  await publishCatalogue(repository, movies);
  // One loader across the versions, as a replica follows them: each version's deltas fold onto the last one's fold.
  const replica = new DatasetLoader(repository);
  return {
    root,
    repository,
    inbox,
    inboxDir,
    /** Writes an inbox file with an exact last-modified time (seconds since the epoch). */
    drop(key: string, content: unknown, mtimeSeconds: number): void {
      const path = join(inboxDir, key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
      utimesSync(path, mtimeSeconds, mtimeSeconds);
    },
    /** One run: of the listed inbox, or of just `objects` (as a queue consumer runs it). */
    ingest(
      maxObjectBytes = 1024 * 1024,
      retention: Retention = TEST_RETENTION,
      mergePolicy?: MergePolicy,
      objects?: readonly StoredObject[],
      runBytes?: number,
    ): Promise<IngestOutcome> {
      return runIngestion({
        repository,
        inbox,
        maxObjectBytes,
        log: silent,
        retention,
        ...(mergePolicy ? { mergePolicy } : {}),
        ...(objects ? { objects } : {}),
        ...(runBytes === undefined ? {} : { runBytes }),
      });
    },
    movies(): Promise<Movie[]> {
      return servedMovies(repository, replica);
    },
  };
}

/** Retention for tests: the defaults' shape, with no grace, so collection is visible at once. */
export const TEST_RETENTION: Retention = { keep: 3, graceMs: 0 };

/** Retention as deployed (versions outlive their replacement by minutes), which spaces garbage collection out. */
export const DEPLOYED_RETENTION: Retention = { keep: 3, graceMs: 300_000 };

/**
 * One ingestion run over `inbox` at a time, as a deployed ingester makes them: given the notified
 * objects (a queue's), or listing the inbox without them.
 */
export function ingestionAsDeployed(repository: SnapshotRepository, inbox: ObjectStore) {
  return (objects?: readonly StoredObject[]): Promise<IngestOutcome> =>
    runIngestion({
      repository,
      inbox,
      maxObjectBytes: 1 << 20,
      log: silent,
      retention: DEPLOYED_RETENTION,
      ...(objects ? { objects } : {}),
    });
}

/** Publishes `movies` as a store's first version, as `cinedex seed` does. */
export async function publishCatalogue(repository: SnapshotRepository, movies: readonly Movie[]) {
  const entries = [...MergeState.fromMovies(movies).allEntries()].map((entry) => ({ ...entry, history: [] }));
  const manifest = await writeWholeCatalogue(repository, { sequence: 1, entries, ledger: EMPTY_LEDGER, lastRun: null });
  return repository.publish(manifest, null, new Date(), { objects: 0, bytes: 0, collected: { objects: 0, bytes: 0 } });
}

/** The movies the current version serves, as a replica (`loader`) loads them (segment by segment, superseded ones left out). */
export async function servedMovies(repository: SnapshotRepository, loader = new DatasetLoader(repository)): Promise<Movie[]> {
  const current = await repository.current();
  if (!current) throw new Error('no snapshot');
  const { index } = await loader.load(current.pointer);
  const out: Movie[] = [];
  for (const segment of index.segments)
    for (let rank = 0; rank < segment.index.size; rank++)
      if (!segment.deadBits || !hasBit(segment.deadBits, rank)) out.push(segment.index.movie(rank));
  assert.equal(out.length, index.size, 'the live movies are as many as the version says');
  return out;
}
