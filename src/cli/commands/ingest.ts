import type { Config } from '../../config/config.js';
import { createLogger } from '../../runtime/logger.js';
import { openCatalogueStores } from '../../runtime/catalogue-stores.js';
import { ingestSettingsOf, runIngestion } from '../../ingest/ingestion.js';

/** `cinedex ingest`: one run, for a CronJob or by hand. */
export async function runIngest(config: Config): Promise<void> {
  const log = createLogger(config.logLevel, { role: 'ingest' });
  const { repository, inbox } = await openCatalogueStores(config);
  const outcome = await runIngestion({ repository, inbox, log, ...ingestSettingsOf(config) });
  if (!outcome.published) log.info({ reason: outcome.reason }, 'nothing published');
}
