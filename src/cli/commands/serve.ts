import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import { StartupError } from '../../errors/errors.js';
import { loadApiKeys } from '../../http/access.js';
import { Recompressor } from '../../http/recompressor.js';
import { ThreadedIngester } from '../../ingest/threaded-ingester.js';
import { IngestScheduler } from '../../ingest/scheduler.js';
import { registerIngestMetrics } from '../../ingest/ingest-metrics.js';
import { configuredQueueWatcher } from '../../ingest/queue-watcher.js';
import { LiveCatalogue } from '../../live/live-catalogue.js';
import { collectDefaultMetrics, Registry } from '../../metrics/prom-client.js';
import { SnapshotRefresher } from '../../live/refresher.js';
import { LoadPhases } from '../../snapshot/load-phases.js';
import { registerDataMetrics } from '../../live/data-metrics.js';
import { registerRefreshMetrics } from '../../live/refresh-metrics.js';
import { isEndDrainPeriodMessage, isStopMessage, leaveCluster, Supervisor } from '../../runtime/cluster.js';
import { Drain, SERVE_CLOSE_BUDGET_SECONDS } from '../../runtime/drain.js';
import { registerDrainMetrics } from '../../runtime/drain-metrics.js';
import { createLogger } from '../../runtime/logger.js';
import { escalateStopSignals } from '../../runtime/stop-signals.js';
import { openCatalogueStores, type CatalogueStores } from '../../runtime/catalogue-stores.js';
import { webRoutes } from '../../web/web-routes.js';

/**
 * Longest the server's build waits for the first load to have its segment's read issued: a few ms
 * from a folder store even on a loaded machine, one round trip from S3.
 */
const FIRST_READ_HEAD_START_MS = 50;

/** `cinedex serve`: one process, or a cluster primary with MOVIES_WORKERS serving workers. */
export async function runServe(config: Config): Promise<void> {
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config);
  const startup = new StartupTimeline();
  const log = createLogger(config.logLevel, cluster.isWorker ? { role: 'serve', worker: cluster.worker?.id } : { role: 'serve' });
  const stores = await openCatalogueStores(config);
  // In a cluster the primary seeds and ingests; a single process does everything itself.
  const standalone = !cluster.isWorker;
  if (standalone) await seedIfNoVersion(stores, config, log);
  startup.mark('stores');
  await startServing(config, stores, log, standalone, startup);
}

/**
 * Seeds a store that has no version yet. The seeding code (the seed's reader, its progress bar, the
 * merge state's writer) is imported only then: a restart over a published version, the usual
 * start, does not load it (~30 ms of CPU).
 */
async function seedIfNoVersion(stores: CatalogueStores, config: Config, log: Logger): Promise<void> {
  if (await stores.repository.current()) return;
  const [{ seedIfEmpty }, { seedSourceOf }] = await Promise.all([import('../../seed/publish-seed.js'), import('../../seed/load-seed.js')]);
  await seedIfEmpty(stores.repository, seedSourceOf(config), log);
}

/**
 * Milliseconds from the process's start (performance.now()'s origin) to each step of serve's start,
 * logged with the "serving" line: `imports` is Node's own start plus loading the modules; the HTTP
 * layer's (Fastify's) are loaded in the `server` step, once the first load's read is under way.
 */
class StartupTimeline {
  private readonly marks: Record<string, number> = { imports: Math.round(performance.now()) };

  mark(step: string): void {
    this.marks[step] = Math.round(performance.now());
  }

  toJSON(): Record<string, number> {
    return this.marks;
  }
}

async function startServing(
  config: Config,
  stores: CatalogueStores,
  log: Logger,
  standalone: boolean,
  startup: StartupTimeline,
): Promise<void> {
  const live = new LiveCatalogue();
  const refresher = new SnapshotRefresher(stores.repository, live, log, config.warmDeadlineSeconds);
  // The first load starts now, not once the server is built: its reads (the thread pool's, or the
  // network's from S3) overlap building and binding the server. Nothing is warmed for a first
  // version (this process has answered nothing yet), so the warmers registered meanwhile miss nothing.
  const firstPhases = new LoadPhases();
  const firstLoad = refresher.refresh(firstPhases);
  // Its small reads first (the pointer, the manifest, the segment's prefix and header): each needs the main thread
  // for a moment, which building the server then holds for tens of ms at a time, so without this head
  // start the segment's read began only once the server was built. Bounded: a distant store is not awaited.
  await Promise.race([firstPhases.segmentReading, firstLoad, delay(FIRST_READ_HEAD_START_MS, undefined, { ref: false })]);
  // Fastify and the HTTP layer are imported only now, the largest part of serve's modules: compiling and
  // running them keeps the main thread busy for most of a start at the seed's size, while the thread
  // pool reads the segment. Imported before the load, they held the read back until they were done.
  const { buildServer } = await import('../../http/server.js');
  const registry = new Registry();
  registerRefreshMetrics(registry, refresher);
  registerDataMetrics(registry, live);
  // Told at the publish itself, the refresher loads a new version while any merge after it runs; the
  // scheduler tells it again once the run (and so the merge) is over.
  const ingester = standalone ? new ThreadedIngester(config, () => void refresher.refresh()) : undefined;
  const ingestMetrics = ingester ? registerIngestMetrics(registry) : undefined;
  const scheduler = ingester
    ? new IngestScheduler(
        (objects) => ingester.run(objects),
        log,
        () => void refresher.refresh(),
        ingestMetrics,
      )
    : undefined;
  const watcher = scheduler ? await configuredQueueWatcher(config, (objects) => scheduler.run(objects), log, ingestMetrics) : undefined;
  // The drain needs the app and the app asks the drain: a holder breaks the cycle.
  const lifecycle: { drain?: Drain } = {};
  const keys = config.apiKeysFile ? loadApiKeys(config.apiKeysFile) : new Map<string, string>();
  const app = await buildServer({
    access: { keys, requireApiKey: config.requireApiKey, rateLimit: config.rateLimit, rateBurst: config.rateBurst },
    corsOrigins: config.corsOrigins,
    ...(config.tlsCert && config.tlsKey ? { tls: { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) } } : {}),
    reader: live,
    registry,
    cursorSecret: config.cursorSecret,
    responseCacheBytes: config.responseCacheBytes,
    recompressor: new Recompressor({ msPerSecond: config.recompressionMs }),
    warmQueries: config.warmQueries,
    logger: log,
    cacheMaxAgeSeconds: config.refreshIntervalSeconds,
    isDraining: () => lifecycle.drain?.isDraining ?? false,
    status: () => ({
      pid: process.pid,
      refresh: refresher.state,
      ...(scheduler ? { ingestion: scheduler.state } : {}),
      ...(watcher ? { inboxQueue: watcher.state } : {}),
    }),
    plugins: [webRoutes()],
  });
  const drainMetrics = registerDrainMetrics(registry);
  const drain = new Drain({
    close: () => app.close(),
    drainSeconds: config.drainSeconds,
    closeBudgetSeconds: SERVE_CLOSE_BUDGET_SECONDS,
    cut: () => app.server.closeAllConnections(),
    overrun: drainMetrics.overrun,
    log,
  });
  lifecycle.drain = drain;
  startup.mark('server');

  // A standalone process listens while it loads, so liveness answers and readiness says why it is
  // 503. A cluster worker must not: the primary hands it connections as soon as it listens, so it
  // listens only once it can answer them (that is what makes rolling restarts lossless).
  const listenEarly = standalone;
  if (listenEarly) await app.listen({ port: config.port, host: config.host });
  const first = await firstLoad;
  startup.mark('loaded');
  if (first !== 'swapped') {
    await app.close();
    throw new StartupError(
      `could not load the catalogue from ${stores.repository.store.location}: ${refresher.state.lastError?.message ?? 'the store has no snapshot; run `cinedex seed`'}`,
    );
  }
  if (!listenEarly) await app.listen({ port: config.port, host: config.host });
  startup.mark('ready');
  // Loading prom-client's default metrics costs more than the rest of prom-client: after ready, not before.
  collectDefaultMetrics(registry).catch((error: unknown) => log.warn({ err: error }, 'default metrics unavailable'));
  refresher.start(config.refreshIntervalSeconds);
  scheduler?.start(config.ingestIntervalSeconds);
  watcher?.start();
  const stop = async (reason: string, drainSeconds?: number) => {
    refresher.stop();
    const ingestion = (async () => {
      await watcher?.stop();
      await scheduler?.stop();
      await ingester?.stop();
    })();
    await Promise.all([ingestion, drain.run(reason, drainSeconds)]);
    await leaveCluster();
    process.exit(0);
  };
  escalateStopSignals({ stop: (signal) => void stop(signal), endDrainPeriod: (reason) => drain.endPeriod(reason), log });
  process.on('message', (message) => {
    if (isStopMessage(message)) void stop('stop requested by the cluster primary', message.drainSeconds);
    else if (isEndDrainPeriodMessage(message)) drain.endPeriod(message.reason);
  });
  // Only now, with the stop signals heeded: whoever waits for this line (a test, a supervisor) may signal at once, and a
  // SIGTERM that came before `process.on('SIGTERM')` would take node's default, an exit without the drain.
  // The port bound, not the one asked: with PORT=0 the kernel picks it, and only this line says which.
  const { port } = app.server.address() as AddressInfo;
  log.info({ port, version: live.dataset?.index.version, movies: live.dataset?.index.size, startupMs: startup }, 'serving');
}

async function runPrimary(config: Config): Promise<void> {
  const log = createLogger(config.logLevel, { role: 'primary' });
  const stores = await openCatalogueStores(config);
  await seedIfNoVersion(stores, config, log);
  const ingester = new ThreadedIngester(config);
  // Ingestion's metrics are not scraped from a cluster primary (the workers serve /metrics): none here.
  const scheduler = new IngestScheduler(
    (objects) => ingester.run(objects),
    log,
    () => {},
  );
  const watcher = await configuredQueueWatcher(config, (objects) => scheduler.run(objects), log);
  const supervisor = new Supervisor({
    workers: config.workers,
    log,
    drainSeconds: config.drainSeconds,
    rollingDrainSeconds: 1,
    stopTimeoutMs: (config.drainSeconds + 30) * 1000,
  });
  supervisor.start();
  scheduler.start(config.ingestIntervalSeconds);
  watcher?.start();
  process.on('SIGHUP', () => void supervisor.rollingRestart());
  const stop = async (signal: string) => {
    log.info({ signal }, 'stopping all workers');
    const ingestion = (async () => {
      await watcher?.stop();
      await scheduler.stop();
      await ingester.stop();
    })();
    await Promise.all([ingestion, supervisor.stop()]);
    process.exit(0);
  };
  escalateStopSignals({
    stop: (signal) => void stop(signal),
    endDrainPeriod: (reason) => {
      log.info({ reason }, "ending the workers' drain period");
      supervisor.endDrainPeriod(reason);
    },
    log,
  });
  // After its signals are heeded, as the workers' "serving" line (above).
  log.info({ workers: config.workers, port: config.port }, 'cluster primary started');
}
