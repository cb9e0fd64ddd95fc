/**
 * cinedex as the scale benchmark meets it: CLI processes (`seed`, `ingest`, `serve`) started with an
 * environment, timed from spawn, their memory read from /proc. Nothing here imports cinedex's code,
 * so the same harness measures today's build and the next one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, taskset } from '../processes.js';
import { cinedexCli } from '../servers.js';
import type { ProbeReading } from './peak-rss-probe.js';
import { MemoryWatch, readMemory } from './proc-memory.js';

const probe = pathToFileURL(join(fileURLToPath(new URL('.', import.meta.url)), 'peak-rss-probe.js')).href;

/** Output kept per process, to say why it failed. */
const TAIL_CHARS = 4000;

interface Spawned {
  readonly child: ChildProcess;
  readonly startedAt: number;
  /** The last TAIL_CHARS of stdout and stderr together. */
  tail(): string;
  /** How it ended: "exit code 1", "SIGABRT". */
  readonly exited: Promise<string>;
}

/**
 * Starts the CLI with `command` on the CPUs of `cores` (a taskset list: "0", "0-1") when taskset exists;
 * taskset execs node, so the pid is node's. Without `cores` the process inherits this one's CPUs.
 */
function spawnCli(command: string, env: NodeJS.ProcessEnv, cores: string | undefined, nodeArgs: string[] = []): Spawned {
  const argv = [...nodeArgs, cinedexCli, command];
  const startedAt = performance.now();
  const child =
    taskset && cores !== undefined
      ? spawn(taskset, ['-c', cores, process.execPath, ...argv], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
  });
  return { child, startedAt, tail: () => output.trim(), exited };
}

export class CinedexProcessError extends Error {
  readonly code = 'CINEDEX_PROCESS_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'CinedexProcessError';
  }
}

/**
 * The error for a process that failed: the first line says what happened and why, as far as its
 * output tells (V8's "FATAL ERROR" line for an out-of-memory death), the rest is the output's tail.
 */
export function failure(what: string, tail: string): CinedexProcessError {
  const lines = tail.split('\n').filter((line) => line.trim() !== '');
  const why = lines.find((line) => line.includes('FATAL ERROR')) ?? lines[lines.length - 1];
  return new CinedexProcessError(`${what}${why === undefined ? '' : `: ${why.trim()}`}\n${tail}`);
}

export interface CommandRun {
  readonly seconds: number;
  /** The process's CPU time, all threads (NaN when the probe could not say). */
  readonly cpuSeconds: number;
  /** The process's VmHWM at exit (from the preloaded probe), or the largest RSS sampled from outside. */
  readonly peakRssBytes: number;
}

/** Runs one `cinedex <command>` to its end: wall seconds from spawn to exit, and its peak RSS. */
export async function runCommand(command: 'seed' | 'ingest', env: NodeJS.ProcessEnv, cores?: string): Promise<CommandRun> {
  const peakFile = join(tmpdir(), `cinedex-scale-peak-${process.pid}-${Date.now()}`);
  const run = spawnCli(command, { ...env, BENCH_PEAK_RSS_FILE: peakFile }, cores, ['--import', probe]);
  const watch = new MemoryWatch(run.child.pid as number);
  const ending = await run.exited;
  const seconds = (performance.now() - run.startedAt) / 1000;
  const sampled = watch.stop().peakRssBytes;
  let probed: ProbeReading | undefined;
  try {
    probed = JSON.parse(readFileSync(peakFile, 'utf8')) as ProbeReading;
  } catch {
    // no probe reading (killed before exit): the samples stand
  }
  rmSync(peakFile, { force: true });
  if (ending !== 'exit code 0') throw failure(`cinedex ${command} ended (${ending}) after ${seconds.toFixed(1)} s`, run.tail());
  return { seconds, cpuSeconds: probed?.cpuSeconds ?? NaN, peakRssBytes: probed?.peakRssBytes ?? sampled };
}

export interface Serving {
  readonly pid: number;
  readonly base: string;
  /** From spawn to the first 200 on /readyz. */
  readonly readySeconds: number;
  status(): Promise<{ readonly version: string; readonly movies: number }>;
  /** Why the process is gone, once it is; undefined while it runs. */
  gone(): string | undefined;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it is true; throws when `failed` says so or after `timeoutMs`. */
export async function until(
  probe: () => Promise<boolean>,
  everyMs: number,
  timeoutMs: number,
  failed: () => string | undefined,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    const why = failed();
    if (why !== undefined) throw new CinedexProcessError(why);
    if (performance.now() > deadline) throw new CinedexProcessError(`gave up after ${(timeoutMs / 1000).toFixed(0)} s`);
    await sleep(everyMs);
  }
}

/** Starts `cinedex serve` (one process, no cluster) and resolves once /readyz answers 200, polled every 20 ms. */
export async function startServing(env: NodeJS.ProcessEnv, cores: string | undefined, readyTimeoutMs: number): Promise<Serving> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const run = spawnCli('serve', { ...env, PORT: String(port), HOST: '127.0.0.1', MOVIES_WORKERS: '1' }, cores);
  let ending: string | undefined;
  void run.exited.then(
    (how) => (ending = how),
    (error: Error) => (ending = error.message),
  );
  const gone = (): string | undefined =>
    ending === undefined ? undefined : failure(`cinedex serve ended (${ending})`, run.tail()).message;
  const stop = async (): Promise<void> => {
    if (ending !== undefined) return;
    run.child.kill('SIGTERM');
    const killer = setTimeout(() => run.child.kill('SIGKILL'), 30_000);
    await run.exited;
    clearTimeout(killer);
  };
  try {
    await until(async () => (await fetch(`${base}/readyz`)).status === 200, 20, readyTimeoutMs, gone);
  } catch (error) {
    await stop();
    throw error;
  }
  const readySeconds = (performance.now() - run.startedAt) / 1000;
  return {
    pid: run.child.pid as number,
    base,
    readySeconds,
    status: async () => {
      const res = await fetch(`${base}/v1/status`);
      if (res.status !== 200) throw new CinedexProcessError(`GET /v1/status answered ${res.status}`);
      return (await res.json()) as { version: string; movies: number };
    },
    gone,
    stop,
  };
}

/** The serving process's resident memory now, in bytes (NaN without /proc). */
export function residentBytes(serving: Serving): number {
  return readMemory(serving.pid)?.rssBytes ?? NaN;
}
