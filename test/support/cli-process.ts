import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { distCli } from './paths.js';

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
    const child = spawn(process.execPath, [distCli, ...args], { env: { ...process.env, ...env } });
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
 * Starts `cinedex serve` (in `cwd`, else this process's; `cli` the compiled one unless told, a `.sh` the launcher,
 * run by sh) and waits until /readyz is 200.
 */
export async function startServe(env: NodeJS.ProcessEnv, timeoutMs = 60_000, cwd?: string, cli = distCli): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(cli.endsWith('.sh') ? '/bin/sh' : process.execPath, [cli, 'serve'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    ...(cwd ? { cwd } : {}),
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`cinedex serve exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`cinedex serve not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    base,
    port,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
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
