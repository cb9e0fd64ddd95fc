/**
 * Ingestion that costs what changed (`npm run bench:deltas`): per catalogue size, `cinedex seed`, a
 * replica's start from the published version (wall, CPU and RSS at ready, and where the time went), then
 * with that replica serving, a one-record run and a 10,000-record run (wall time and peak RSS of the
 * `cinedex ingest` process, and how long after it the replica serves the new version), then a
 * compaction (`cinedex ingest --compact`) the same way, the store's bytes; then, at the first size,
 * many one-record runs in this process with the default retention and a simulated file every 3 s, and
 * the store's bytes against one full version.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { runIngestion } from '../../src/ingest/ingestion.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import type { VersionPointer } from '../../src/snapshot/snapshot.js';
import { FolderStore } from '../../src/store/folder-store.js';
import { catalogueFile, catalogueSize, catalogueView, sizeLabel, type CatalogueSize } from '../lib/generate-catalogue.js';
import { fmt, machine, table } from '../lib/markdown.js';
import { processCpuSeconds, readMemory } from '../lib/proc.js';
import { runCommand, type CommandRun } from '../lib/run-command.js';
import { runIfMain } from '../lib/script.js';
import { startServe } from '../lib/servers.js';
import { startAccount } from '../lib/serving-log.js';
import { list, number, setting } from '../lib/settings.js';
import { updateFiles } from '../lib/update-mix.js';
import { mib } from '../scale/report.js';
import { catalogueBytes } from '../scale/store-bytes.js';

export const DELTAS_VARIABLES = [
  setting(
    'BENCH_DELTAS_SIZES',
    list(catalogueSize),
    'seed,1000000',
    'the catalogue sizes, one row each: `seed`, `2023` or a number of movies',
  ),
  setting(
    'BENCH_DELTAS_RUNS',
    number({ min: 0, integer: true }),
    '1000',
    'one-record runs, a simulated 3 s apart, before the store is weighed (first size only)',
  ),
] as const;

/** One `cinedex ingest` process while the replica serves, and the replica's taking of what it published. */
interface Step {
  readonly ingest: CommandRun;
  /** From the ingest process's exit to the replica answering with the version it left current (the replica looks every 50 ms). */
  readonly liveSeconds: number;
  /** The replica's own time to load and swap the version in ("snapshot swapped in", loadMs). */
  readonly loadMs: number;
  /** The replica's RSS after the swap minus before the run. */
  readonly rssStepBytes: number;
}

interface Row {
  readonly label: string;
  readonly movies: number;
  readonly seed: CommandRun;
  readonly readySeconds: number;
  readonly readyCpuSeconds: number;
  readonly readyRssBytes: number;
  /** The replica's own account of its start (its "serving" log line), when it gives one. */
  readonly startup: string;
  readonly one: Step;
  readonly tenThousand: Step;
  /** `cinedex ingest --compact` after those: every delta into a new base. */
  readonly compaction: Step;
  readonly rssAfterBytes: number;
  readonly storeBytes: number;
}

async function measure(size: CatalogueSize): Promise<Row> {
  const label = sizeLabel(size);
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-deltas-'));
  try {
    const file = await catalogueFile(size, dir);
    const catalogue = catalogueView(size);
    const inbox = join(dir, 'inbox');
    const env = {
      MOVIES_SEED: file,
      MOVIES_STORE: join(dir, 'store'),
      MOVIES_INBOX: inbox,
      MOVIES_DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
      // As the container image runs every cinedex process (Dockerfile; docs/operations.md): large buffers on huge pages.
      GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
    };
    console.log(`  deltas ${label}: cinedex seed…`);
    const seed = await runCommand('seed', env);
    const serving = await startServe({
      // Info: the "serving" line says where the start went. Requests are few here, and their lines only pass through the kept tail.
      env: { ...env, LOG_LEVEL: 'info', MOVIES_INGEST_INTERVAL: '0', MOVIES_REFRESH_INTERVAL: '0.05', MOVIES_WARM_QUERIES: '0' },
      keepOutput: true,
      readyTimeoutMs: 900_000,
    });
    try {
      const readyCpuSeconds = processCpuSeconds(serving.pid);
      const readyRssBytes = readMemory(serving.pid)?.rssBytes ?? NaN;
      const startup = await startupOf(serving.output);
      const repository = new SnapshotRepository(new FolderStore(env.MOVIES_STORE));
      const servesCurrent = async (): Promise<string> => {
        const current = (await repository.current())?.pointer.version;
        while ((await serving.status()).version !== current) await sleep(5);
        return current as string;
      };
      const step = async (records: number, round: number, compact = false): Promise<Step> => {
        mkdirSync(join(inbox, 'bench'), { recursive: true });
        if (records > 0) {
          updateFiles(catalogue, records, round).forEach((text, part) =>
            writeFileSync(join(inbox, 'bench', `r${round}-${part}.json`), text),
          );
        }
        // From the replica serving the store's current version to it serving the one the run leaves current
        // (after any merge the policy asked for: a 10,000-record run at the seed's size is a compaction too).
        await servesCurrent();
        const rssBefore = readMemory(serving.pid)?.rssBytes ?? NaN;
        const ingest = await runCommand('ingest', compact ? { ...env, MOVIES_INGEST_COMPACT: 'true' } : env);
        const published = performance.now();
        const version = await servesCurrent();
        const liveSeconds = (performance.now() - published) / 1000;
        return {
          ingest,
          liveSeconds,
          loadMs: await loadMsOf(serving.output, version),
          rssStepBytes: (readMemory(serving.pid)?.rssBytes ?? NaN) - rssBefore,
        };
      };
      console.log(`  deltas ${label}: a one-record run…`);
      const one = await step(1, 1);
      console.log(`  deltas ${label}: a 10,000-record run…`);
      const tenThousand = await step(10_000, 2);
      // Nothing new in the inbox: the compaction is the run's only version, the one the replica then loads.
      console.log(`  deltas ${label}: a compaction (ingest --compact, nothing new in the inbox)…`);
      const compaction = await step(0, 3, true);
      return {
        label,
        movies: (await serving.status()).movies,
        seed,
        readySeconds: serving.readySeconds,
        readyCpuSeconds,
        readyRssBytes,
        startup,
        one,
        tenThousand,
        compaction,
        rssAfterBytes: readMemory(serving.pid)?.rssBytes ?? NaN,
        storeBytes: catalogueBytes(env.MOVIES_STORE).bytes,
      };
    } finally {
      await serving.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The replica's loadMs for `version`, from its "snapshot swapped in" line (logged a tick after it answers). */
async function loadMsOf(output: () => string, version: string): Promise<number> {
  for (let wait = 0; wait < 20; wait++) {
    for (const line of output().split('\n').reverse()) {
      if (!line.includes('snapshot swapped in')) continue;
      const logged = JSON.parse(line) as { version?: string; loadMs?: number };
      if (logged.version === version && logged.loadMs !== undefined) return logged.loadMs;
    }
    await sleep(50);
  }
  return NaN;
}

/** Where the replica's start went, from its own account: ms from the process's start to each step, and the load's phases. */
async function startupOf(output: () => string): Promise<string> {
  const { startupMs, phasesMs } = await startAccount(output);
  if (startupMs === undefined) return 'not reported by this build';
  const list = (o: Readonly<Record<string, number>> | undefined) =>
    Object.entries(o ?? {})
      .map(([k, v]) => `${k} ${fmt(v, 0)}`)
      .join(', ');
  return `ms from process start: ${list(startupMs)}; the load: ${list(phasesMs)}`;
}

/** Many one-record runs with the default retention: what the store holds after them, against one version. */
async function storeAfterRuns(size: CatalogueSize, runs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-deltas-runs-'));
  try {
    const env = {
      MOVIES_SEED: await catalogueFile(size, dir),
      MOVIES_STORE: join(dir, 'store'),
      MOVIES_INBOX: join(dir, 'inbox'),
      LOG_LEVEL: 'warn',
    };
    await runCommand('seed', env);
    const oneVersion = catalogueBytes(env.MOVIES_STORE).bytes;
    const repository = new SnapshotRepository(new FolderStore(env.MOVIES_STORE));
    const inbox = new FolderStore(env.MOVIES_INBOX);
    const catalogue = catalogueView(size);
    const start = Date.now();
    const seconds: number[] = [];
    let last: VersionPointer | undefined;
    for (let i = 0; i < runs; i++) {
      await inbox.put(`bench/one-${i}.json`, Buffer.from(updateFiles(catalogue, 1, 1000 + i)[0] as string));
      const t = performance.now();
      const outcome = await runIngestion({
        repository,
        inbox,
        maxObjectBytes: 64 * 2 ** 20,
        log: pino({ level: 'warn' }),
        retention: { keep: 3, graceMs: 300_000 },
        now: () => new Date(start + i * 3000),
      });
      seconds.push((performance.now() - t) / 1000);
      if (outcome.published) last = outcome.merge?.pointer ?? outcome.pointer;
    }
    const after = catalogueBytes(env.MOVIES_STORE).bytes;
    seconds.sort((a, b) => a - b);
    return (
      `${runs} one-record runs at ${sizeLabel(size)}, a simulated 3 s apart, default retention (3 versions, 300 s grace): ` +
      `the store holds ${mib(after)} MiB against ${mib(oneVersion)} MiB for the seeded version (${fmt(after / oneVersion, 2)}×), ` +
      `${last?.store.objects ?? '?'} objects; a run takes ${fmt(seconds[seconds.length >> 1]! * 1000, 0)} ms at the median, ` +
      `${fmt(seconds[Math.floor(seconds.length * 0.99)]! * 1000, 0)} ms at p99.`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDeltas(): Promise<string> {
  const [sizesSetting, runsSetting] = DELTAS_VARIABLES;
  const sizes = sizesSetting.read();
  const rows: Row[] = [];
  for (const size of sizes) rows.push(await measure(size));
  const runs = runsSetting.read();
  const store = runs > 0 && sizes[0] !== undefined ? await storeAfterRuns(sizes[0], runs) : '';
  const s = (x: number) => fmt(x, 2);
  return [
    `Measured on ${machine()}.`,
    '',
    table(
      ['catalogue', 'movies', 'seed s / peak MiB', 'ready s / CPU s / RSS MiB', 'replica RSS after MiB', 'store MiB'],
      rows.map((r) => [
        r.label,
        r.movies.toLocaleString('en'),
        `${s(r.seed.seconds)} / ${mib(r.seed.peakRssBytes)}`,
        `${s(r.readySeconds)} / ${s(r.readyCpuSeconds)} / ${mib(r.readyRssBytes)}`,
        mib(r.rssAfterBytes),
        mib(r.storeBytes),
      ]),
    ),
    '',
    table(
      ['catalogue', 'run', 'ingest s / CPU s / peak MiB', 'live after s', 'replica load ms', 'replica RSS step MiB'],
      rows.flatMap((r) =>
        (
          [
            ['a one-record run', r.one],
            ['a 10,000-record run', r.tenThousand],
            ['a compaction (`ingest --compact`)', r.compaction],
          ] as const
        ).map(([what, step]) => [
          r.label,
          what,
          `${s(step.ingest.seconds)} / ${s(step.ingest.cpuSeconds)} / ${mib(step.ingest.peakRssBytes)}`,
          s(step.liveSeconds),
          fmt(step.loadMs, 0),
          fmt(step.rssStepBytes / 2 ** 20, 0),
        ]),
      ),
    ),
    '',
    ...rows.map((r) => `Start of the replica at ${r.label}: ${r.startup}.`),
    '',
    store,
  ].join('\n');
}

runIfMain(import.meta.url, benchDeltas);
