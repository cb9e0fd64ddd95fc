import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cli-process.js';
import { repoRoot } from './paths.js';

export const edgeNginxConf = join(repoRoot, 'deploy/edge/nginx.conf');

/** The one line the tests change: Kubernetes listens on 8080, a test on a free loopback port. */
const LISTEN = 'listen 8080;';

/** NGINX_PATH, else Debian's nginx. Missing is a failure, not a skip: `.ci/run` installs it. */
export function nginxBinary(): string {
  const path = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
  if (!existsSync(path)) {
    throw new Error(
      `nginx not found at ${path}: install Debian's nginx (apt-get install nginx; .ci/run does it when missing) or set NGINX_PATH to an nginx 1.22 or later`,
    );
  }
  return path;
}

export interface NginxEdge {
  readonly base: string;
  /** nginx's error log and access log so far, for failure messages. */
  output(): string;
  /** Fast shutdown; resolves once the master (and so every worker) has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs the committed deploy/edge/nginx.conf, relaying to `origin` (host:port), as Kubernetes runs it:
 * unprivileged-style with a fresh prefix holding the pid, cache and temp files, and origin.conf
 * beside the config. Only the listen line differs.
 */
export async function startNginxEdge(origin: string, timeoutMs = 10_000): Promise<NginxEdge> {
  const nginx = nginxBinary();
  const committed = readFileSync(edgeNginxConf, 'utf8');
  if (committed.split(LISTEN).length !== 2)
    throw new Error(`${edgeNginxConf} must hold "${LISTEN}" exactly once: the tests replace it with a free port`);
  const prefix = mkdtempSync(join(tmpdir(), 'cinedex-nginx-'));
  // Started as root, nginx runs its workers as `nobody`, who must reach the cache under the prefix.
  chmodSync(prefix, 0o755);
  const port = await freePort();
  writeFileSync(join(prefix, 'nginx.conf'), committed.replace(LISTEN, `listen 127.0.0.1:${port};`));
  writeFileSync(join(prefix, 'origin.conf'), `server ${origin};\n`);
  // The access log goes to /dev/stdout, which nginx reopens: that fails on a socket (node's 'pipe'), so stdout is a file.
  const accessLog = join(prefix, 'stdout.log');
  const stdout = openSync(accessLog, 'a');
  const child = spawn(nginx, ['-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], {
    stdio: ['ignore', stdout, 'pipe'],
  });
  closeSync(stdout);
  let errors = '';
  child.stderr?.on('data', (c: Buffer) => (errors += c.toString()));
  const output = () => `${errors}${existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : ''}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test process that dies without its after hooks must not leave nginx running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(prefix, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nginx exited with ${child.exitCode} running ${edgeNginxConf}:\n${errors}`);
    }
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await stop();
      throw new Error(`nginx not answering on ${base} after ${timeoutMs} ms:\n${errors}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, output, stop };
}
