/**
 * One row of the scale table: a catalogue of one size, taken through cinedex's own processes.
 *
 *   1. `cinedex seed` writes the first snapshot of the catalogue into a fresh folder store;
 *   2. one provider file (≈ 1% of the catalogue, update-mix.ts) goes into the inbox and one
 *      `cinedex ingest` process runs: its wall time and peak RSS;
 *   3. `cinedex serve` starts on that store: time from spawn to the first 200 on /readyz, RSS once
 *      ready and after a settle;
 *   4. the realistic query mix over HTTP at one connection, response cache off;
 *   5. a second provider file and another `cinedex ingest`, while the serving process's memory is
 *      watched until /v1/status reports the new version: the swap's peak RSS and duration;
 *   6. the bytes under the store's catalogue/.
 *
 * The processes may use every core (a replica with its GC threads on a small pod), or with
 * BENCH_SCALE_PIN=1 the serving process gets core 0 and the others core 1.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mark, otherCores, serverUse, waitForQuiet } from '../lib/cpu.js';
import { catalogueFile, catalogueView, sizeLabel, type CatalogueSize } from '../lib/generate-catalogue.js';
import { until } from '../lib/launch.js';
import { closedLoop, type LoadResult } from '../lib/load.js';
import { MemoryWatch } from '../lib/memory-watch.js';
import { processCpuSeconds, readMemory, resetPeak } from '../lib/proc.js';
import { runCommand, type CommandRun } from '../lib/run-command.js';
import { startServe, type Serving } from '../lib/servers.js';
import { updateFiles } from '../lib/update-mix.js';
import { benchPaths } from '../lib/workload.js';
import { mib } from './report.js';
import { catalogueBytes, type StoreBytes } from './store-bytes.js';
import type { ScaleSettings } from './settings.js';

/** The taskset CPU lists for the serving process and for the others (explicit, as this process may itself be pinned). */
function placement(settings: ScaleSettings): { readonly server: string; readonly others: string } {
  const all = `0-${cpus().length - 1}`;
  return settings.pin ? { server: '0', others: '1' } : { server: all, others: all };
}

export interface SwapMeasure {
  readonly ingest: CommandRun;
  /** From the ingest process's exit (pointer published) to /v1/status naming the new version. */
  readonly seconds: number;
  /** CPU the serving process used from the start of the ingest run to the new version answering. */
  readonly cpuSeconds: number;
  /** The serving process's peak RSS from just before the ingest run until the new version answers. */
  readonly peakRssBytes: number;
  /** Whether the kernel's peak (VmHWM) was reset first; otherwise the peak is sampled RSS only. */
  readonly peakReset: boolean;
  readonly rssAfterBytes: number;
}

export interface ScaleRow {
  readonly size: CatalogueSize;
  readonly label: string;
  readonly catalogueBytes: number;
  readonly updateRecords: number;
  readonly seed: CommandRun;
  readonly ingest: CommandRun;
  readonly movies: number;
  readonly readySeconds: number;
  /** CPU the serving process used from spawn to ready. */
  readonly readyCpuSeconds: number;
  readonly rssAtReadyBytes: number;
  readonly rssSettledBytes: number;
  readonly query: LoadResult;
  /** The serving process's CPU per answered query (steadier than latency on a shared machine). */
  readonly queryCpuUs: number;
  /** Cores used by processes not ours during the query run: how disturbed the latency was. */
  readonly queryOtherCores: number | undefined;
  readonly swap: SwapMeasure;
  /** catalogue/ after the run: three versions (seed and two ingestion runs). */
  readonly store: StoreBytes;
  /** What the last ingestion run added to catalogue/: about one version's objects. */
  readonly lastVersionBytes: number;
}

export type ScaleResult = ScaleRow | { readonly size: CatalogueSize; readonly label: string; readonly failed: string };

/** The serving process's resident memory now, in bytes (NaN without /proc). */
const residentBytes = (serving: Serving): number => readMemory(serving.pid)?.rssBytes ?? NaN;

function say(label: string, message: string): void {
  console.log(`  scale ${label}: ${message}`);
}

/** Measures one size in a temp directory of its own, removed afterwards; a failure becomes the row's reason. */
export async function measureSize(size: CatalogueSize, settings: ScaleSettings): Promise<ScaleResult> {
  const label = sizeLabel(size);
  const dir = mkdtempSync(join(settings.dir ?? tmpdir(), 'cinedex-scale-'));
  try {
    return await measureIn(dir, size, label, settings);
  } catch (error) {
    say(label, `failed: ${(error as Error).message}`);
    return { size, label, failed: (error as Error).message.split('\n')[0] as string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureIn(dir: string, size: CatalogueSize, label: string, settings: ScaleSettings): Promise<ScaleRow> {
  say(label, 'the catalogue file…');
  const file = await catalogueFile(size, dir);
  const catalogue = catalogueView(size);
  const fileBytes = statSync(file).size;
  const store = join(dir, 'store');
  const inbox = join(dir, 'inbox');
  const env: NodeJS.ProcessEnv = {
    MOVIES_SEED: file,
    MOVIES_STORE: store,
    MOVIES_INBOX: inbox,
    MOVIES_DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'warn',
  };

  say(label, `${catalogue.count.toLocaleString('en')} movies, ${mib(fileBytes)} MiB; cinedex seed…`);
  const cores = placement(settings);
  const seed = await runCommand('seed', env, cores.others);
  say(label, `seeded in ${seed.seconds.toFixed(1)} s, peak ${mib(seed.peakRssBytes)} MiB`);

  const updateRecords = Math.max(1, Math.round(catalogue.count * settings.updateShare));
  const drop = (round: number): void => {
    mkdirSync(join(inbox, 'bench'), { recursive: true });
    updateFiles(catalogue, updateRecords, round).forEach((text, part) =>
      writeFileSync(join(inbox, 'bench', `round-${round}-part-${part}.json`), text),
    );
  };
  drop(1);
  say(label, `${updateRecords.toLocaleString('en')} update records in the inbox; cinedex ingest…`);
  const ingest = await runCommand('ingest', env, cores.others);
  say(label, `ingested in ${ingest.seconds.toFixed(1)} s, peak ${mib(ingest.peakRssBytes)} MiB`);

  say(label, 'cinedex serve…');
  const serving = await startServe({
    env: { ...env, MOVIES_INGEST_INTERVAL: '0', MOVIES_REFRESH_INTERVAL: '1', MOVIES_RESPONSE_CACHE_BYTES: '0', MOVIES_DRAIN_SECONDS: '0' },
    cores: cores.server,
    keepOutput: true,
    readyTimeoutMs: settings.timeoutSeconds * 1000,
  });
  try {
    const rssAtReadyBytes = residentBytes(serving);
    const readyCpuSeconds = processCpuSeconds(serving.pid);
    await sleep(settings.settleSeconds * 1000);
    const rssSettledBytes = residentBytes(serving);
    const { movies } = await serving.status();
    say(label, `ready in ${serving.readySeconds.toFixed(2)} s with ${movies.toLocaleString('en')} movies, RSS ${mib(rssSettledBytes)} MiB`);

    const { query, queryCpuUs, queryOtherCores } = await measureQueries(serving, settings);
    say(
      label,
      `queries: p50 ${query.p50Us.toFixed(0)} µs, p99 ${query.p99Us.toFixed(0)} µs, ${queryCpuUs.toFixed(0)} µs CPU each, ` +
        `over ${query.requests} requests (others used ${queryOtherCores?.toFixed(2) ?? '?'} cores)`,
    );

    const before = catalogueBytes(store).bytes;
    drop(2);
    say(label, 'second update file; cinedex ingest while serving…');
    const swap = await measureSwap(serving, env, settings, cores.others);
    say(
      label,
      `swapped ${swap.seconds.toFixed(2)} s after publishing, ${swap.cpuSeconds.toFixed(1)} s CPU; serving peak ${mib(swap.peakRssBytes)} MiB`,
    );
    const after = catalogueBytes(store);
    return {
      size,
      label,
      catalogueBytes: fileBytes,
      updateRecords,
      seed,
      ingest,
      movies,
      readySeconds: serving.readySeconds,
      readyCpuSeconds,
      rssAtReadyBytes,
      rssSettledBytes,
      query,
      queryCpuUs,
      queryOtherCores,
      swap,
      store: after,
      lastVersionBytes: after.bytes - before,
    };
  } finally {
    await serving.stop();
  }
}

/** The realistic mix at one connection, after a warm-up; the server's CPU per answer and others' use of the machine. */
async function measureQueries(
  serving: Serving,
  settings: ScaleSettings,
): Promise<Pick<ScaleRow, 'query' | 'queryCpuUs' | 'queryOtherCores'>> {
  const paths = benchPaths();
  if (settings.warmSeconds > 0) await closedLoop(serving.base, paths, 1, settings.warmSeconds);
  // Latency on a shared machine is mostly other people's work: give it a chance to pass (and report it when it does not).
  await waitForQuiet([serving.pid], 0.25, settings.quietSeconds);
  const start = mark([serving.pid], []);
  const query = await closedLoop(serving.base, paths, 1, settings.querySeconds);
  const end = mark([serving.pid], []);
  if (query.non2xx > 0 || query.errors > 0)
    throw new Error(`the query mix got ${query.non2xx} non-2xx answers and ${query.errors} socket errors`);
  return { query, queryCpuUs: serverUse(start, end, query.requests).cpuUs, queryOtherCores: otherCores(start, end) };
}

async function measureSwap(serving: Serving, env: NodeJS.ProcessEnv, settings: ScaleSettings, cores: string): Promise<SwapMeasure> {
  const { version } = await serving.status();
  const peakReset = resetPeak(serving.pid);
  // Without the reset, the kernel's peak would be the first load's: then only sampled RSS counts.
  const watch = new MemoryWatch(serving.pid, { kernelPeak: peakReset });
  const cpuBefore = processCpuSeconds(serving.pid);
  try {
    const ingest = await runCommand('ingest', env, cores);
    const published = performance.now();
    await until(async () => (await serving.status()).version !== version, 20, settings.timeoutSeconds * 1000, serving.gone);
    const seconds = (performance.now() - published) / 1000;
    const memory = watch.stop();
    const cpuSeconds = processCpuSeconds(serving.pid) - cpuBefore;
    return { ingest, seconds, cpuSeconds, peakRssBytes: memory.peakRssBytes, peakReset, rssAfterBytes: memory.last?.rssBytes ?? NaN };
  } finally {
    watch.stop();
  }
}
