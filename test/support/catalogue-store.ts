import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import type { Movie } from '../../src/catalogue/movie.js';
import { runIngestion, type IngestOutcome } from '../../src/ingest/ingestion.js';
import { MergeState } from '../../src/merge/merge-state.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import { FolderStore } from '../../src/store/folder-store.js';
import type { StoredObject } from '../../src/store/object-store.js';

export const silent = pino({ level: 'silent' });

/** A folder store seeded with `movies`, and an inbox beside it, as the embedded default lays them out. */
export async function seededFolder(movies: readonly Movie[]) {
  const root = mkdtempSync(join(tmpdir(), 'cinedex-ingest-'));
  const repository = new SnapshotRepository(new FolderStore(join(root, 'store')));
  const inboxDir = join(root, 'inbox');
  mkdirSync(inboxDir, { recursive: true });
  const inbox = new FolderStore(inboxDir);
  await repository.publish(
    { sequence: 1, basedOn: null, entries: [...MergeState.fromMovies(movies).allEntries()], ledger: [], runs: [] },
    [],
    null,
    new Date(),
  );
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
    ingest(maxObjectBytes = 1024 * 1024, objects?: readonly StoredObject[]): Promise<IngestOutcome> {
      return runIngestion({ repository, inbox, maxObjectBytes, log: silent, ...(objects ? { objects } : {}) });
    },
    async movies(): Promise<Movie[]> {
      const current = await repository.current();
      if (!current) throw new Error('no snapshot');
      const snapshot = await repository.loadState(current.pointer);
      return snapshot.entries.filter((e) => !e.deleted).map((e) => ({ ...e.values, id: e.id }));
    },
  };
}
