/**
 * The soak scenario (`npm run bench:soak`, or a section of `npm run bench`): does a new version every
 * few seconds reach clients without them seeing it? cinedex runs as a user runs it (`cinedex serve`,
 * node:cluster with two serving workers, ingestion and refresh inside), under steady closed-loop load
 * on the query mix; first with no new data ("quiet"), then with a provider file landing in the inbox
 * every few seconds ("swapping"). It measures only through the CLI process, HTTP, /v1/status, /metrics,
 * /proc and the inbox folder, so it measures whatever engine and swap the build has.
 *
 * The parts: settings.ts (SOAK_* variables), cluster.ts (the server), ../lib/load.ts (the load), updates.ts
 * (the provider files and what they imply), phase.ts and figures.ts (what a phase measures),
 * observe.ts (status and metrics), catalogue-check.ts (the final check), report.ts (the section).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { steadyLoad, type SteadyLoad } from '../lib/load.js';
import { processTicks, readMemory } from '../lib/proc.js';
import { runIfMain } from '../lib/script.js';
import { benchPaths } from '../lib/workload.js';
import { changedAnswers, checkCatalogue, readMix } from './catalogue-check.js';
import { startCluster, type Cluster } from './cluster.js';
import { phaseFigures, type ProcessSample } from './figures.js';
import { freshGet, pollStatus, readStatus, servesLast, warmMetrics, type StatusSample } from './observe.js';
import { countFailures, measurePhase, type Failures } from './phase.js';
import { writeRecord } from './record.js';
import { renderSoak, type SoakRun } from './report.js';
import { soakSettings, type SoakSettings } from './settings.js';
import { expectedMovies, UpdatePlan, type UpdateFile } from './updates.js';

const PROVIDER = 'soak';
/** A request up to this long after a process swapped counts as "just swapped" (its response cache is refilling). */
const JUST_SWAPPED_MS = 1000;

/** Resident set of a process in MiB (VmRSS), or NaN once it is gone. */
const residentMiB = (pid: number): number => (readMemory(pid)?.rssBytes ?? NaN) / 2 ** 20;

/** Writes the file beside the inbox and renames it in, so an ingestion run never reads half a file. */
function drop(cluster: Cluster, file: UpdateFile): void {
  const folder = join(cluster.inbox, PROVIDER);
  mkdirSync(folder, { recursive: true });
  const staging = join(cluster.dataDir, file.name);
  writeFileSync(staging, JSON.stringify(file.records));
  renameSync(staging, join(folder, file.name));
}

/**
 * Waits until every serving process serves the version that took `key` (the last file dropped): by
 * the ingestion run /v1/status names, or, for a server that does not report its runs, by every
 * worker serving one version that has not changed for `stableMs`. Returns how long it took.
 */
async function waitUntilServed(cluster: Cluster, key: string, timeoutMs: number, stableMs = 10_000): Promise<number> {
  const started = Date.now();
  const latest = new Map<number, StatusSample>();
  let since = started;
  while (Date.now() - started < timeoutMs) {
    const res = await freshGet(cluster.base, '/v1/status').catch(() => undefined);
    const sample = res?.status === 200 ? readStatus(res.body, Date.now()) : undefined;
    if (sample) {
      if (latest.get(sample.pid)?.version !== sample.version) since = sample.at;
      latest.set(sample.pid, sample);
      if (
        servesLast(
          cluster.workers.map((pid) => latest.get(pid)),
          key,
          sample.at - since >= stableMs,
        )
      )
        return Date.now() - started;
    }
    await sleep(200);
  }
  throw new Error(`after ${timeoutMs / 1000} s not every worker serves the version with ${key}`);
}

export async function runSoak(settings: SoakSettings = soakSettings()): Promise<SoakRun> {
  const paths = benchPaths();
  console.log(`soak: starting cinedex serve with ${settings.workers} workers…`);
  const cluster = await startCluster(settings);
  const processes: ProcessSample[] = [];
  const processTimer = setInterval(() => {
    const at = Date.now();
    for (const pid of [cluster.primary, ...cluster.workers]) processes.push({ at, pid, mib: residentMiB(pid), ticks: processTicks(pid) });
  }, 1000);
  let poller: ReturnType<typeof pollStatus> | undefined;
  let load: SteadyLoad | undefined;
  try {
    console.log(`soak: reading the mix's ${new Set(paths).size} distinct answers (the pool the updates are made from)…`);
    const mix = await readMix(cluster.base, paths);
    const plan = new UpdatePlan(mix.pool, settings.shape);
    poller = pollStatus(cluster.base, 250);
    const outside: Failures = { non2xx: 0, errors: 0 };
    load = steadyLoad(cluster.base, paths, settings.connections, countFailures(outside));
    console.log(`soak: ${settings.connections} connections; warming up for ${settings.warmupSeconds} s…`);
    await sleep(settings.warmupSeconds * 1000);

    console.log(`soak: quiet phase, ${settings.quietSeconds} s…`);
    const quiet = await measurePhase('quiet', load, settings.quietSeconds, cluster.primary, cluster.workers);

    console.log(`soak: swapping phase, ${settings.swappingSeconds} s, a file every ${settings.fileEverySeconds} s…`);
    const files: UpdateFile[] = [];
    let dropper: NodeJS.Timeout | undefined;
    const dropNext = () => {
      const file = plan.file(files.length + 1);
      drop(cluster, file);
      files.push(file);
    };
    const swapping = await measurePhase('swapping', load, settings.swappingSeconds, cluster.primary, cluster.workers, () => {
      dropNext();
      dropper = setInterval(dropNext, settings.fileEverySeconds * 1000);
    });
    clearInterval(dropper);
    await load.stop();
    await poller.stop();

    const last = `${PROVIDER}/${(files[files.length - 1] as UpdateFile).name}`;
    console.log(`soak: ${files.length} files dropped; waiting until every worker serves ${last}…`);
    const settleMs = await waitUntilServed(cluster, last, 120_000);
    const expected = expectedMovies(mix.pool, files);
    console.log(`soak: checking the ${expected.size} movies the files touched…`);
    const check = await checkCatalogue(cluster.base, expected.values());
    const changed = await changedAnswers(cluster.base, mix.answers);
    // Nothing else connects now, so consecutive new connections reach the workers in turn: one /metrics each.
    const metrics: Map<string, number>[] = [];
    for (let i = 0; i < cluster.workers.length; i++) metrics.push(warmMetrics((await freshGet(cluster.base, '/metrics')).body));

    const status: StatusSample[] = poller.samples;
    const restarted = [...new Set(status.map((s) => s.pid))].filter((pid) => !cluster.workers.includes(pid));
    if (settings.recordFile !== undefined)
      writeRecord(settings.recordFile, [quiet, swapping], status, processes, { primary: cluster.primary, workers: cluster.workers });
    const figures = [quiet, swapping].map((m) => phaseFigures(m, status, processes, cluster.primary, cluster.workers, JUST_SWAPPED_MS));
    return {
      settings,
      distinctPaths: mix.answers.size,
      poolSize: mix.pool.length,
      files: files.length,
      recordsPerFile: files.map((f) => f.records.length),
      phases: figures,
      failedOutside: outside.non2xx + outside.errors,
      statusLookFailures: poller.failures,
      restartedPids: restarted,
      settleMs,
      check,
      changedAnswers: changed,
      warmMetrics: metrics,
      justSwappedMs: JUST_SWAPPED_MS,
    };
  } finally {
    clearInterval(processTimer);
    await load?.stop();
    await poller?.stop();
    await cluster.stop();
  }
}

/** Runs the soak and returns its section for docs/performance.md. */
export async function benchSoak(settings: SoakSettings = soakSettings()): Promise<string> {
  return renderSoak(await runSoak(settings));
}

runIfMain(import.meta.url, () => benchSoak());
