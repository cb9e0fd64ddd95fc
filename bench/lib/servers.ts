/**
 * The servers the benchmarks start, each a child process: `cinedex serve` (this build's, or another's to
 * measure before against after with one harness), and the raw node:http control it is measured against.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/cli-process.js';
import { distCli, seedPath } from '../../test/support/paths.js';
import { benchBase, benchHost } from './host.js';
import { launchReady } from './launch.js';
import { existingFile, optionalSetting } from './settings.js';

export const CINEDEX_CLI = optionalSetting(
  'BENCH_CINEDEX_CLI',
  existingFile,
  "this build's dist/src/cli/main.js",
  "the cinedex CLI every scenario runs: another build's, to measure it with this harness",
);

/** The CLI under test. */
export const cinedexCli = CINEDEX_CLI.read() ?? distCli;

/** What every benchmark's cinedex has: the seed, a data directory of its own, loopback only. */
export function cinedexEnv(port: number, dataDir: string): Record<string, string> {
  return { PORT: String(port), HOST: benchHost, MOVIES_SEED: seedPath, MOVIES_DATA_DIR: dataDir };
}

export async function httpReady(url: string): Promise<boolean> {
  return (await fetch(url)).status === 200;
}

/** A running `cinedex serve`. */
export interface Serving {
  readonly base: string;
  readonly pid: number;
  /** From spawn to the first 200 on /readyz. */
  readonly readySeconds: number;
  status(): Promise<{ readonly version: string; readonly movies: number }>;
  /** Why the process is gone, once it is; undefined while it runs. */
  gone(): string | undefined;
  /** The end of its output, when it is kept (keepOutput). */
  output(): string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** cinedex's environment; PORT and HOST are set here, and MOVIES_WORKERS=1 unless it says otherwise. */
  readonly env: NodeJS.ProcessEnv;
  readonly cores?: string;
  readonly nodeArgs?: readonly string[];
  readonly cli?: string;
  /** Its output kept for a failure's message; otherwise stdout (the request log) goes to /dev/null and stderr to ours. */
  readonly keepOutput?: boolean;
  /** An open file its stdout (the log) is written to instead, whole, for a scenario that reads it afterwards. */
  readonly stdoutFd?: number;
  readonly readyTimeoutMs?: number;
}

/** Starts `cinedex serve` (one process, no cluster) and resolves once /readyz answers 200, polled every 20 ms. */
export async function startServe(o: ServeOptions): Promise<Serving> {
  const port = await freePort();
  const base = benchBase(port);
  const run = await launchReady(
    o.cli ?? cinedexCli,
    {
      what: 'cinedex serve',
      args: ['serve'],
      env: { PORT: String(port), HOST: benchHost, MOVIES_WORKERS: '1', ...o.env },
      cores: o.cores,
      nodeArgs: o.nodeArgs,
      stdout: o.stdoutFd ?? (o.keepOutput === true ? 'keep' : 'ignore'),
      stderr: o.keepOutput === true ? 'keep' : 'inherit',
      timeoutMs: o.readyTimeoutMs,
    },
    () => httpReady(`${base}/readyz`),
  );
  return {
    base,
    pid: run.pid,
    readySeconds: (performance.now() - run.startedAt) / 1000,
    status: async () => {
      const res = await fetch(`${base}/v1/status`);
      if (res.status !== 200) throw new Error(`GET /v1/status answered ${res.status}`);
      return (await res.json()) as { version: string; movies: number };
    },
    gone: () => run.gone('cinedex serve'),
    output: () => run.output(),
    stop: () => run.stop(),
  };
}

/**
 * cinedex as the HTTP and capacity benchmarks run it: the seed in a data directory of its own (removed
 * on stop), no ingestion, a log line per request as in production, pinned to `core`. Without
 * `--enable-source-maps`, as production starts it (scripts/cinedex.sh, the image): a measured server
 * runs with the flags it runs with in production, and so does every control it is compared with.
 */
export async function startCinedex(extraEnv: NodeJS.ProcessEnv = {}, core = 0, cli = cinedexCli): Promise<Serving> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cinedex-bench-'));
  const serving = await startServe({
    env: { MOVIES_SEED: seedPath, MOVIES_DATA_DIR: dataDir, MOVIES_INGEST_INTERVAL: '0', LOG_LEVEL: 'info', ...extraEnv },
    cores: String(core),
    cli,
  }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...serving,
    stop: async () => {
      await serving.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A control server: a node:http script of this folder or a scenario's, on core 0, and how to stop it. */
export interface Control {
  readonly base: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `script port file` (a control server that reads what it answers from `file`) on core 0, with cinedex's node flags (none). */
export async function startControl(script: string, file: string, ready: (base: string) => Promise<boolean>): Promise<Control> {
  const port = await freePort();
  const base = benchBase(port);
  const run = await launchReady(script, { what: script, args: [String(port), file], cores: '0', stdout: 'ignore', stderr: 'inherit' }, () =>
    ready(base),
  );
  return { base, pid: run.pid, stop: () => run.stop() };
}

/** node:http answering one fixed body: the platform's ceiling. */
export async function startRaw(body: Buffer): Promise<Control> {
  const file = join(mkdtempSync(join(tmpdir(), 'cinedex-raw-')), 'body.json');
  writeFileSync(file, body);
  return startControl(fileURLToPath(new URL('raw-server.js', import.meta.url)), file, httpReady);
}
