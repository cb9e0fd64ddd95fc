/**
 * cinedex as a user runs it on one machine: `cinedex serve` with node:cluster (a primary that seeds
 * and ingests, serving workers), a folder store and inbox in a fresh data directory, nothing pinned.
 * Ingestion and refresh run every second, so a file dropped in the inbox is served a few seconds later.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/cli-process.js';
import { childProcesses, commandLine } from '../../test/support/processes.js';
import { benchBase } from '../lib/host.js';
import { launchNode, type Launched } from '../lib/launch.js';
import { cinedexCli, cinedexEnv } from '../lib/servers.js';
import { freshGet, readStatus } from './observe.js';

export interface Cluster {
  readonly base: string;
  readonly primary: number;
  readonly workers: readonly number[];
  readonly dataDir: string;
  /** Where provider files go: `<inbox>/<provider>/<name>.json`. */
  readonly inbox: string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  readonly workers: number;
  readonly ingestIntervalSeconds: number;
  readonly refreshIntervalSeconds: number;
  /** The server's stdout (its JSON log) goes here; /dev/null when unset. */
  readonly logFile?: string;
  readonly cli?: string;
  /** Extra node flags for the primary, which node:cluster passes on to the workers (e.g. --trace-gc). */
  readonly nodeArgs?: readonly string[];
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cinedex-soak-'));
  const inbox = join(dataDir, 'store', 'inbox');
  mkdirSync(inbox, { recursive: true });
  const base = benchBase(port);
  // Everything else is the default a user gets, including a log line per request.
  const env = {
    ...cinedexEnv(port, dataDir),
    MOVIES_WORKERS: String(o.workers),
    MOVIES_INGEST_INTERVAL: String(o.ingestIntervalSeconds),
    MOVIES_REFRESH_INTERVAL: String(o.refreshIntervalSeconds),
    // Only shutdown waits for it: the soak's end need not.
    MOVIES_DRAIN_SECONDS: '0',
  };
  const stdout = o.logFile === undefined ? 'ignore' : openSync(o.logFile, 'w');
  const cli = o.cli ?? cinedexCli;
  const run = launchNode(cli, {
    args: ['serve'],
    nodeArgs: o.nodeArgs ?? [],
    env,
    stdout,
    stderr: 'inherit',
  });
  // The child has its own copy of the log's descriptor.
  if (typeof stdout === 'number') closeSync(stdout);
  const stop = () => stopCluster(run, cli, dataDir);
  try {
    const workers = await readyWorkers(base, run, o.workers);
    return { base, primary: run.pid, workers, dataDir, inbox, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The primary's children (node:cluster's workers), from /proc; empty without it. */
const childrenOf = (primary: number): number[] => childProcesses(primary).map((c) => c.pid);

/** Waits until `count` distinct serving processes answer /v1/status with data; returns their pids. */
async function readyWorkers(base: string, run: Launched, count: number): Promise<number[]> {
  const seen = new Set<number>();
  const deadline = Date.now() + 180_000;
  while (seen.size < count) {
    if (run.ended() !== undefined) throw new Error(`cinedex serve ended (${run.ended()}) before it was ready`);
    if (Date.now() > deadline) throw new Error(`only ${seen.size} of ${count} workers answered /v1/status within 180 s`);
    const res = await freshGet(base, '/v1/status').catch(() => undefined);
    const sample = res?.status === 200 ? readStatus(res.body, Date.now()) : undefined;
    if (sample) seen.add(sample.pid);
    else await sleep(200);
  }
  const children = childrenOf(run.pid);
  // /proc is the authority where it exists; the pids /v1/status reports must be among them.
  if (children.length > 0 && ![...seen].every((pid) => children.includes(pid)))
    throw new Error(`/v1/status reported pids ${[...seen].join(', ')}, but the primary's children are ${children.join(', ')}`);
  return [...seen].sort((a, b) => a - b);
}

async function stopCluster(run: Launched, cli: string, dataDir: string): Promise<void> {
  const workers = childrenOf(run.pid);
  await run.stop();
  // Workers outlive a primary that was killed; they are ours, so they go too (checked by command line: a pid can be reused).
  for (const pid of workers) {
    if (commandLine(pid)?.includes(cli)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone with their primary meanwhile.
      }
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}
