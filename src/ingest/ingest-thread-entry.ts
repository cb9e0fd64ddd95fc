/**
 * What runs inside the ingestion thread (its entry point; threaded-ingester.ts is the serving
 * side's handle on it). It opens the stores from the configuration it was started with and runs
 * one ingestion per request from that handle.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/config.js';
import { createLogger } from '../runtime/logger.js';
import { openCatalogueStores } from '../runtime/catalogue-stores.js';
import type { StoredObject } from '../store/object-store.js';
import { ingestSettingsOf, runIngestion } from './ingestion.js';

const config = workerData as Config;
const log = createLogger(config.logLevel, { role: 'ingest', thread: 'worker' });
const { repository, inbox } = await openCatalogueStores(config);

parentPort?.on('message', (message: { readonly type: 'run'; readonly id: number; readonly objects?: readonly StoredObject[] }) => {
  const objects = message.objects ? { objects: message.objects } : {};
  // The serving side loads the version at once, without waiting for the merge that may follow it.
  const onPublished = () => parentPort?.postMessage({ type: 'published', id: message.id });
  runIngestion({ repository, inbox, log, ...ingestSettingsOf(config), ...objects, onPublished }).then(
    (outcome) => parentPort?.postMessage({ type: 'done', id: message.id, outcome }),
    (error: unknown) => {
      const e = error as Error & { code?: string };
      parentPort?.postMessage({ type: 'failed', id: message.id, error: { name: e.name, message: e.message, code: e.code } });
    },
  );
});
