/**
 * The one way the benchmarks start a process: a Node script (cinedex's CLI, a control server, the load
 * generator) with an environment, on the cores asked for, its output kept or sent where it is told, and
 * how it ended known. Pinning uses taskset (test/support/processes.ts); where there is none the process
 * runs wherever this one may, and the scenarios say so in their output.
 */
import { execFileSync, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname } from 'node:path';
import { onCores, taskset } from '../../test/support/processes.js';

/** A process that failed or never got ready: the first line says what happened and why, the rest is its output's end. */
export class ProcessFailedError extends Error {
  readonly code = 'PROCESS_FAILED';

  constructor(message: string) {
    super(message);
    this.name = 'ProcessFailedError';
  }
}

/** `what` happened; why, as far as the output's end `tail` tells: V8's "FATAL ERROR" line (out of memory), else the last line. */
export function failure(what: string, tail: string): ProcessFailedError {
  const lines = tail.split('\n').filter((line) => line.trim() !== '');
  const why = lines.find((line) => line.includes('FATAL ERROR')) ?? lines[lines.length - 1];
  return new ProcessFailedError(`${what}${why === undefined ? '' : `: ${why.trim()}`}\n${tail}`);
}

/** Output kept per process, to say why it failed. */
const TAIL_CHARS = 4000;

export interface LaunchOptions {
  readonly args?: readonly string[];
  /** Node's own flags, before the script. */
  readonly nodeArgs?: readonly string[];
  /** On top of this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** A taskset CPU list ("0", "0-1"); unset, or without taskset: the CPUs this process may use. */
  readonly cores?: string;
  /**
   * Where stdout goes: kept (its end, for a failure's message; the default), /dev/null, this process's, or a
   * file descriptor. A server measured under load logs to /dev/null, where a log line costs what it costs in production.
   */
  readonly stdout?: 'keep' | 'ignore' | 'inherit' | number;
  /** Where stderr goes: kept with stdout (the default) or this process's. */
  readonly stderr?: 'keep' | 'inherit';
  /** An IPC channel, for a child that takes its work over process.send. */
  readonly ipc?: boolean;
}

export interface Launched {
  readonly child: ChildProcess;
  readonly pid: number;
  /** performance.now() when it was spawned. */
  readonly startedAt: number;
  /** Resolves once it has ended, with how: "exit code 1", "SIGABRT". */
  readonly exited: Promise<string>;
  /** How it ended, or undefined while it runs. */
  ended(): string | undefined;
  /** Once it has ended, why, as a failure's message: "`what` ended (how): its last line…"; undefined while it runs. */
  gone(what: string): string | undefined;
  /** The end of what it wrote to the kept streams. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node [nodeArgs] script [args]`; a `.sh` script is the launcher (scripts/cinedex.sh), run by sh without
 * nodeArgs, with this process's node first on PATH: it execs that node (from the startup snapshot it made, if it did).
 */
export function launchNode(script: string, options: LaunchOptions = {}): Launched {
  const { args = [], nodeArgs = [], env = {}, cores, stdout = 'keep', stderr = 'keep', ipc = false } = options;
  const launcher = script.endsWith('.sh');
  const program = launcher ? '/bin/sh' : process.execPath;
  const argv = launcher ? [script, ...args] : [...nodeArgs, script, ...args];
  const path = launcher ? { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` } : {};
  const [command, commandArgs] = cores !== undefined && taskset !== undefined ? onCores(cores, program, argv) : [program, argv];
  const stdio: StdioOptions = [
    'ignore',
    stdout === 'keep' ? 'pipe' : stdout,
    stderr === 'keep' ? 'pipe' : stderr,
    ...(ipc ? (['ipc'] as const) : []),
  ];
  const startedAt = performance.now();
  const child = spawn(command, commandArgs, { env: { ...process.env, ...path, ...env }, stdio });
  let kept = '';
  const keep = (chunk: Buffer): void => {
    kept = (kept + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let ending: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve((ending = `failed to start: ${error.message}`)));
    child.once('exit', (code, signal) => resolve((ending = signal ?? `exit code ${code}`)));
  });
  return {
    child,
    pid: child.pid as number,
    startedAt,
    exited,
    ended: () => ending,
    gone: (what) => (ending === undefined ? undefined : failure(`${what} ended (${ending})`, kept.trim()).message),
    output: () => kept.trim(),
    async stop(graceMs = 30_000) {
      if (ending === undefined) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

/**
 * Starts `node [nodeArgs] script [args]` and resolves once `ready` answers true, asked every 20 ms. A process
 * that ends first, or is not ready within `timeoutMs`, is stopped and the error names `what` with its output.
 */
export async function launchReady(
  script: string,
  options: LaunchOptions & { readonly what: string; readonly timeoutMs?: number },
  ready: () => Promise<boolean>,
): Promise<Launched> {
  const run = launchNode(script, options);
  try {
    await until(ready, 20, options.timeoutMs ?? 120_000, () => run.gone(options.what));
  } catch (error) {
    await run.stop();
    throw error;
  }
  return run;
}

/** Polls `probe` every `everyMs` until it is true; throws when `failed` gives a reason, or after `timeoutMs`. */
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
    if (why !== undefined) throw new ProcessFailedError(why);
    if (performance.now() > deadline) throw new ProcessFailedError(`gave up after ${(timeoutMs / 1000).toFixed(0)} s`);
    await sleep(everyMs);
  }
}

/** Pins this process (every thread) to `core`, when taskset exists: the load generator keeps off the server's core. */
export function pinSelf(core: number): void {
  if (taskset) execFileSync(taskset, ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}
