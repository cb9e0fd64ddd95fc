import type { Config } from '../../config/config.js';
import { createLogger } from '../../runtime/logger.js';
import { openCatalogueStores } from '../../runtime/catalogue-stores.js';
import { seedSourceOf } from '../../seed/load-seed.js';
import { seedIfEmpty } from '../../seed/publish-seed.js';

/** `cinedex seed`: the first snapshot, when the store has none (a Job, or by hand). */
export async function runSeed(config: Config): Promise<void> {
  const log = createLogger(config.logLevel, { role: 'seed' });
  const { repository } = await openCatalogueStores(config);
  const pointer = await seedIfEmpty(repository, seedSourceOf(config), log);
  if (!pointer) log.info({ store: repository.store.location }, 'the store already has a snapshot; nothing to do');
}
