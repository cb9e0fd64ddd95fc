import type { Logger } from 'pino';
import { PublishConflictError } from '../errors/errors.js';
import type { SnapshotRepository } from '../snapshot/repository.js';
import { storeTotals } from '../snapshot/collect-garbage.js';
import { EMPTY_LEDGER } from '../snapshot/inbox-ledger.js';
import type { Pointer } from '../snapshot/snapshot.js';
import type { StateEntry } from '../snapshot/state-bucket.js';
import { writeWholeCatalogue } from '../snapshot/write-version.js';
import { loadSeed, type SeedSource } from './load-seed.js';
import { catalogueFromSeed, type RejectedRecord } from './seed-catalogue.js';

/**
 * Writes the first snapshot from the seed when the store has none; otherwise does nothing, so it
 * is safe to run on every start and from several replicas at once.
 */
export async function seedIfEmpty(
  repository: SnapshotRepository,
  source: Omit<SeedSource, 'log'>,
  log: Logger,
): Promise<Pointer | undefined> {
  if (await repository.current()) return undefined;
  // Neither the parsed records nor the movies stay in scope: at a million movies each is a gigabyte of heap.
  const { entries, rejected } = seedEntries((await loadSeed({ ...source, log })).records);
  if (rejected.length > 0) {
    log.warn({ rejected: rejected.length, first: rejected.slice(0, 5) }, 'invalid seed records skipped');
  }
  try {
    const manifest = await writeWholeCatalogue(repository, { sequence: 1, entries, ledger: EMPTY_LEDGER, lastRun: null });
    const { pointer } = await repository.publish(manifest, null, new Date(), await storeTotals(repository));
    log.info({ version: pointer.version, movies: pointer.movies, store: repository.store.location }, 'seed snapshot published');
    return pointer;
  } catch (error) {
    // Another process seeded first: its snapshot is as good as ours.
    if (error instanceof PublishConflictError) return undefined;
    throw error;
  }
}

/** The seed's movies as state entries, as MergeState.fromMovies would hold them, without a state: the seed applies no records. */
function seedEntries(records: readonly unknown[]): { entries: StateEntry[]; rejected: RejectedRecord[] } {
  const { movies, keys, rejected } = catalogueFromSeed(records);
  const entries = movies.map(({ id, ...values }, i): StateEntry => {
    return { id, key: keys[i] as string, values, deleted: false, stamps: {}, history: [] };
  });
  return { entries, rejected };
}
