import type { Config } from '../config/config.js';
import { createLogger } from '../serve/logger.js';
import { openStores } from '../serve/stores.js';
import { runIngestion } from './ingest-run.js';

/** `cinedex ingest`: one run, for a CronJob or by hand. */
export async function runIngest(config: Config): Promise<void> {
  const log = createLogger(config.logLevel, { role: 'ingest' });
  const { repository, inbox } = openStores(config);
  const outcome = await runIngestion({ repository, inbox, maxObjectBytes: config.maxUpdateBytes, log });
  if (!outcome.published) log.info({ reason: outcome.reason }, 'nothing published');
}
