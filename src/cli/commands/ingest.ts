import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { EVENT_LOOP_MONITORING_MS } from '../../metrics/prom-client.js';
import type { Config } from '../../config/config.js';
import { createLogger } from '../../runtime/logger.js';
import { openCatalogueStores } from '../../runtime/catalogue-stores.js';
import { registerDrainMetrics } from '../../runtime/drain-metrics.js';
import { settlesWithin } from '../../runtime/settles-within.js';
import { registerIngestMetrics } from '../../ingest/ingest-metrics.js';
import { ingestSettingsOf, runIngestion } from '../../ingest/ingestion.js';
import { configuredQueueWatcher } from '../../ingest/queue-watcher.js';
import { IngestScheduler } from '../../ingest/scheduler.js';
import { compactNow } from '../../snapshot/merge-policy.js';
import type { StoredObject } from '../../store/object-store.js';

/**
 * How long a stopping watcher waits for the run in progress before it abandons it, and then how long
 * it keeps its metrics port open so that Prometheus (every 15 s) scrapes the overrun. Together under
 * the watcher pod's 120 s terminationGracePeriodSeconds (deploy/k8s), with 10 s to spare.
 */
export const WATCH_STOP_BUDGET_MS = 90_000;
export const LAST_SCRAPE_MS = 20_000;

/** `cinedex ingest`: one run, for a CronJob or by hand; with --watch, the long-running consumer. */
export async function runIngest(config: Config): Promise<void> {
  const log = createLogger(config.logLevel, { role: 'ingest' });
  const { repository, inbox } = await openCatalogueStores(config);
  // --compact is refused with --watch (loadConfig), so only a single run ever carries it.
  const ingest = (objects?: readonly StoredObject[]) =>
    runIngestion({
      repository,
      inbox,
      log,
      ...ingestSettingsOf(config),
      ...(objects ? { objects } : {}),
      ...(config.compact ? { mergePolicy: compactNow } : {}),
    });
  if (!config.watch) {
    const outcome = await ingest();
    if (!outcome.published) log.info({ reason: outcome.reason, compacted: outcome.merge !== undefined }, 'nothing published');
    return;
  }

  // Watching: this process does nothing else, so runs need no thread of their own.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_MS });
  const metrics = registerIngestMetrics(registry);
  const drainMetrics = registerDrainMetrics(registry);
  const scheduler = new IngestScheduler(ingest, log, () => {}, metrics);
  const watcher = await configuredQueueWatcher(config, (objects) => scheduler.run(objects), log, metrics);
  const server = config.ingestMetricsPort === undefined ? undefined : await serveMetrics(registry, config, log, () => watcher?.state);
  // A first listing at start finds what arrived while no consumer ran; then every interval.
  void scheduler.runOnce();
  scheduler.start(config.ingestIntervalSeconds);
  watcher?.start();
  log.info({ queue: config.inboxQueue ?? null, listEverySeconds: config.ingestIntervalSeconds }, 'ingestion watching');

  const stop = async (signal: string) => {
    log.info({ signal }, 'stopping ingestion');
    const deadline = Date.now() + WATCH_STOP_BUDGET_MS;
    const watcherDone = (await watcher?.stop(WATCH_STOP_BUDGET_MS)) ?? true;
    // A listing run holds no message: abandoning it loses nothing, the next consumer's first listing redoes it.
    const listingDone = await settlesWithin(scheduler.stop(), Math.max(0, deadline - Date.now()));
    if (!watcherDone || !listingDone) {
      drainMetrics.overrun();
      log.error({ budgetMs: WATCH_STOP_BUDGET_MS }, 'drain overran: the ingestion run in progress is abandoned');
      if (server) await new Promise((resolve) => setTimeout(resolve, LAST_SCRAPE_MS));
    }
    server?.close();
    log.flush();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** /metrics for Prometheus and /healthz for the kubelet, on their own small port. */
async function serveMetrics(registry: Registry, config: Config, log: Logger, queueState: () => unknown): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', queue: queueState() ?? null }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.ingestMetricsPort, config.host, resolve));
  // The port bound, not the one asked for: with 0 the system picks it, and only this line says which.
  log.info({ port: (server.address() as AddressInfo).port }, 'ingestion metrics served');
  return server;
}
