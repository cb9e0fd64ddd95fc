import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { catalogueFromSeed } from '../catalogue/seed-catalogue.js';
import { MergeState } from '../merge/merge-state.js';
import { loadSeed } from '../seed/load-seed.js';
import type { SnapshotRepository } from '../snapshot/repository.js';
import { PublishConflictError } from '../snapshot/repository.js';
import type { Pointer } from '../snapshot/snapshot.js';
import { createLogger } from '../serve/logger.js';
import { openStores } from '../serve/stores.js';

/**
 * Writes the first snapshot from MOVIES_SEED when the store has none; otherwise does nothing, so
 * it is safe to run on every start and from several replicas at once.
 */
export async function seedIfEmpty(repository: SnapshotRepository, config: Config, log: Logger): Promise<Pointer | undefined> {
  if (await repository.current()) return undefined;
  const seed = await loadSeed({ source: config.seed, dataDir: config.dataDir, ...(config.seedSha256 ? { sha256: config.seedSha256 } : {}), log });
  const { movies, rejected } = catalogueFromSeed(seed.records);
  if (rejected.length > 0) {
    log.warn({ rejected: rejected.length, first: rejected.slice(0, 5) }, 'invalid seed records skipped');
  }
  const state = MergeState.fromMovies(movies);
  try {
    const pointer = await repository.publish({ sequence: 1, basedOn: null, entries: [...state.allEntries()], ledger: [], runs: [], audit: [] }, null, new Date());
    log.info({ version: pointer.version, movies: pointer.movies, store: repository.store.location }, 'seed snapshot published');
    return pointer;
  } catch (error) {
    // Another process seeded first: its snapshot is as good as ours.
    if (error instanceof PublishConflictError) return undefined;
    throw error;
  }
}

/** `cinedex seed` */
export async function runSeed(config: Config): Promise<void> {
  const log = createLogger(config.logLevel, { role: 'seed' });
  const { repository } = openStores(config);
  const pointer = await seedIfEmpty(repository, config, log);
  if (!pointer) log.info({ store: repository.store.location }, 'the store already has a snapshot; nothing to do');
}
