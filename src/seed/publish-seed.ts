import type { Logger } from 'pino';
import { PublishConflictError } from '../errors/errors.js';
import type { SnapshotRepository } from '../snapshot/repository.js';
import { storeTotals } from '../snapshot/collect-garbage.js';
import { EMPTY_LEDGER } from '../snapshot/inbox-ledger.js';
import type { Pointer } from '../snapshot/snapshot.js';
import { writeWholeCatalogue } from '../snapshot/write-version.js';
import { readSeed, type SeedSource } from './load-seed.js';
import { SeedMovies } from './seed-catalogue.js';

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
  // Said before the seconds (minutes, at millions of movies) the seed takes, so a silent start is never a mystery:
  // a start that printed nothing for 60 s on a loaded machine was this work, not a hang.
  log.info({ source: source.source, store: repository.store.location }, 'seeding: the store has no version yet');
  // Read as a stream into a compact form: at ten million movies the text or the records whole would be gigabytes.
  const seed = new SeedMovies();
  const read = await readSeed({ ...source, log }, (record) => seed.add(record));
  log.info({ bytes: read.bytes, sha256: read.sha256 }, 'seed read: indexing and writing the first version');
  const { rejected } = seed;
  if (rejected.length > 0) {
    log.warn({ rejected: rejected.length, first: rejected.slice(0, 5) }, 'invalid seed records skipped');
  }
  try {
    const manifest = await writeWholeCatalogue(repository, { sequence: 1, entries: seed.finish(), ledger: EMPTY_LEDGER, lastRun: null });
    const { pointer } = await repository.publish(manifest, null, new Date(), await storeTotals(repository));
    log.info({ version: pointer.version, movies: pointer.movies, store: repository.store.location }, 'seed snapshot published');
    return pointer;
  } catch (error) {
    // Another process seeded first: its snapshot is as good as ours.
    if (error instanceof PublishConflictError) return undefined;
    throw error;
  }
}
