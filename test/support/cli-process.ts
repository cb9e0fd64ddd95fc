import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { childCli } from './paths.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs `cinedex <args>` to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [childCli(), ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly base: string;
  readonly port: number;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `cinedex serve` (in `cwd`, else this process's; `cli` the bundle unless told, a `.sh` the launcher,
 * run by sh) and waits until /readyz is 200 from it.
 *
 * freePort's port is free when it is found, not when the child listens a second later: another test file's server
 * can take it in between, and its /readyz would pass for this child's, which then fails to listen (a run saw nginx's
 * tests relay to a server that was gone: 502 on every request). So the server that answers must be the child or one
 * of its workers (/v1/status names its pid), and a start that lost its port is tried again on another. `pickPort`
 * is freePort but for the test of that retry, which hands out a port it holds.
 */
export async function startServe(
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  cwd?: string,
  cli = childCli(),
  pickPort: () => Promise<number> = freePort,
): Promise<ServeProcess> {
  return onFreePort('cinedex serve', (port) => startServeOnce(env, timeoutMs, cwd, cli, port), pickPort);
}

/** What a start that lost its port to another process says of it. */
export interface LostPort {
  readonly lostTo: string;
}

const START_ATTEMPTS = 3;

/**
 * Starts `what` on a port `pickPort` found free, and again on another when another test file's process took the port
 * between the probe and the bind (`startOn` tells that apart from other failures, each child its own way), giving up
 * after START_ATTEMPTS with each port and what held it.
 */
export async function onFreePort<T extends object>(
  what: string,
  startOn: (port: number) => Promise<T | LostPort>,
  pickPort: () => Promise<number> = freePort,
): Promise<T> {
  const lost: string[] = [];
  for (;;) {
    const port = await pickPort();
    const started = await startOn(port);
    if (!('lostTo' in started)) return started;
    lost.push(`port ${port}: ${started.lostTo}`);
    if (lost.length === START_ATTEMPTS)
      throw new Error(`${what} lost its port to another process ${START_ATTEMPTS} times in a row (${lost.join('; ')})`);
  }
}

/** A probe of a port that may be anyone's: bounded, so a listener that never answers cannot hold the start past its deadline. */
const PROBE_TIMEOUT_MS = 5_000;

async function startServeOnce(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  cwd: string | undefined,
  cli: string,
  port: number,
): Promise<ServeProcess | LostPort> {
  const child = spawn(cli.endsWith('.sh') ? '/bin/sh' : process.execPath, [cli, 'serve'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    ...(cwd ? { cwd } : {}),
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      if (output.includes('EADDRINUSE')) return { lostTo: 'the child could not listen (EADDRINUSE)' };
      throw new Error(`cinedex serve exited with ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) {
      const other = await answeredByOther(base, child.pid);
      if (other !== undefined) {
        await stop('SIGKILL');
        return { lostTo: other };
      }
      break;
    }
    if (Date.now() > deadline) {
      const doing = whatItIsDoing(child.pid);
      child.kill('SIGKILL');
      throw new Error(`cinedex serve not ready after ${timeoutMs} ms (${doing}); its output:\n${output || '(none)'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, port, output: () => output, stop };
}

/**
 * Why the server at `base` is not `pid` or one of its descendants, or undefined when it is. cinedex serve's
 * /v1/status always names its pid: a server that answers /readyz but names none (a test's scripted origin answering
 * every path) is another one.
 */
async function answeredByOther(base: string, pid: number | undefined): Promise<string | undefined> {
  const status = await fetch(`${base}/v1/status`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
    async (r) => (r.status === 200 ? ((await r.json().catch(() => undefined)) as { pid?: unknown } | undefined) : undefined),
    () => undefined,
  );
  if (typeof status?.pid !== 'number') return 'another server answered /readyz, and its /v1/status names no pid';
  // Without /proc a worker's parent cannot be read: the check is left out rather than failing every cluster start.
  if (pid === undefined || !existsSync('/proc/self')) return undefined;
  for (let at: number | undefined = status.pid, depth = 0; at !== undefined && depth < 4; depth++) {
    if (at === pid) return undefined;
    at = parentOf(at);
  }
  return `another server answered /readyz: pid ${status.pid}, not the child (${pid}) or one of its workers`;
}

/** The fields of /proc/<pid>/stat after the command name, from the state on (undefined without /proc, or once the process is gone). */
function procStat(pid: number): string[] | undefined {
  try {
    // The command name (field 2) is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The parent of `pid`, from /proc. */
function parentOf(pid: number): number | undefined {
  const fields = procStat(pid);
  return fields === undefined ? undefined : Number(fields[1]);
}

/**
 * For a start that timed out, what the child was doing: its state (R running or waiting for a core, S sleeping on
 * something, D on the disk) and the CPU it had used, its threads' included, beside the machine's load. A child that
 * printed nothing yet was busy (many CPU seconds) or waiting (few, state S).
 */
function whatItIsDoing(pid: number | undefined): string {
  const fields = pid === undefined ? undefined : procStat(pid);
  const load = (() => {
    try {
      return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    } catch {
      return 'unknown';
    }
  })();
  if (fields === undefined) return `the child's state unknown; load average ${load}`;
  // utime and stime, in clock ticks: 100 a second on Linux.
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
  return `the child: state ${fields[0]}, ${cpuSeconds.toFixed(1)} s of CPU used; load average ${load}`;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Drops a file of one movie into the inbox of the folder store under `dataDir` and waits until the server at `base`
 * finds it by its first cast member: the ingestion thread ran, published, and the server loaded the version.
 */
export async function awaitDroppedMovie(
  base: string,
  dataDir: string,
  movie: { readonly title: string; readonly year: number; readonly cast: readonly [string]; readonly genres: readonly string[] },
): Promise<void> {
  const inbox = join(dataDir, 'store', 'inbox', 'acme');
  mkdirSync(inbox, { recursive: true });
  writeFileSync(join(inbox, 'new.json'), JSON.stringify([movie]));
  await waitFor(
    async () => {
      const found = (await (await fetch(`${base}/v1/movies?cast=${encodeURIComponent(movie.cast[0])}`)).json()) as {
        items: { title: string }[];
      };
      return found.items.some((m) => m.title === movie.title);
    },
    60_000,
    'the dropped movie to be served',
  );
}
