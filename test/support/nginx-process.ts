/**
 * The committed nginx edge recipe (deploy/edge/nginx.conf) run by the real nginx: one launcher for the
 * tests and the capacity benchmark (bench/capacity), so both run the same file the same way, as
 * Kubernetes runs it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePort, type LostPort } from './cli-process.js';
import { repoRoot } from './paths.js';
import { childProcesses, onCores, requireTaskset } from './processes.js';

export const edgeNginxConf = join(repoRoot, 'deploy/edge/nginx.conf');

/** The one line always changed: Kubernetes listens on 8080, a test or benchmark on a free loopback port. */
const LISTEN = 'listen 8080;';
/** The directive `workers` replaces. */
const WORKER_PROCESSES = /^worker_processes\s+[^;]+;$/gm;

/** NGINX_PATH, else Debian's nginx. */
const nginxPath = () => process.env.NGINX_PATH ?? '/usr/sbin/nginx';

/** The nginx to run. Missing is a failure, not a skip: `.ci/run` installs it. */
export function nginxBinary(): string {
  const path = nginxPath();
  if (!existsSync(path)) {
    throw new Error(
      `nginx not found at ${path}: install Debian's nginx (apt-get install nginx; .ci/run does it when missing) or set NGINX_PATH to an nginx 1.22 or later`,
    );
  }
  return path;
}

/** "nginx/1.22.1", from `nginx -v` (which writes it to stderr); undefined when there is no nginx. */
export function nginxVersion(): string | undefined {
  const path = nginxPath();
  if (!existsSync(path)) return undefined;
  const { stdout, stderr } = spawnSync(path, ['-v'], { encoding: 'utf8' });
  return /nginx\/\S+/.exec(`${stderr}${stdout}`)?.[0];
}

export interface NginxOptions {
  /** worker_processes instead of the committed value; by default the committed value is kept. */
  readonly workers?: number;
  /** The core nginx (master and workers, which inherit it) is pinned to with taskset (an error without it); by default none. */
  readonly core?: number;
  /** How long nginx may take to answer /healthz. Default 10 s. */
  readonly timeoutMs?: number;
  /** freePort but for the test of the port retry, which hands out a port it holds. */
  readonly pickPort?: () => Promise<number>;
}

export interface NginxEdge {
  readonly base: string;
  /** The master process. */
  readonly pid: number;
  /** The JSON access log (the committed `access_log /dev/stdout`, which is this file). */
  readonly accessLog: string;
  /** The master's worker processes, from /proc. */
  workerPids(): number[];
  /** nginx's error log and access log so far, for failure messages. */
  output(): string;
  /** Fast shutdown; resolves once the master (and so every worker) has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs the committed deploy/edge/nginx.conf, relaying to `origin` (host:port), as Kubernetes runs it:
 * unprivileged-style with a fresh prefix holding the pid, cache and temp files, and origin.conf
 * beside the config. Only the listen line differs, and worker_processes when `workers` is given.
 *
 * nginx cannot listen on port 0, so it is given a port freePort found free, which another test file's server can
 * take before nginx binds it. nginx then retries its bind for 2.5 s before exiting, and meanwhile that server answers
 * /healthz in its place (a cinedex serve, another nginx): so /healthz counts only once nginx has written its pid
 * file, which it does after binding, and a start that lost its port is tried again on another.
 */
export async function startNginxEdge(origin: string, options: NginxOptions = {}): Promise<NginxEdge> {
  return onFreePort('nginx', (port) => startNginxOnce(origin, options, port), options.pickPort);
}

async function startNginxOnce(origin: string, options: NginxOptions, port: number): Promise<NginxEdge | LostPort> {
  const { workers, core, timeoutMs = 10_000 } = options;
  const nginx = nginxBinary();
  // Checked before anything is made: a launch that cannot pin must not leave a prefix behind.
  if (core !== undefined) requireTaskset();
  let conf = readFileSync(edgeNginxConf, 'utf8');
  if (conf.split(LISTEN).length !== 2)
    throw new Error(`${edgeNginxConf} must hold "${LISTEN}" exactly once: it is replaced with a free port`);
  conf = conf.replace(LISTEN, `listen 127.0.0.1:${port};`);
  if (workers !== undefined) {
    if ((conf.match(WORKER_PROCESSES) ?? []).length !== 1)
      throw new Error(`${edgeNginxConf} must hold one worker_processes line to run it with ${workers} workers`);
    conf = conf.replace(WORKER_PROCESSES, `worker_processes ${workers};`);
  }
  const prefix = mkdtempSync(join(tmpdir(), 'cinedex-nginx-'));
  // Started as root, nginx runs its workers as `nobody`, who must reach the cache under the prefix.
  chmodSync(prefix, 0o755);
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  writeFileSync(join(prefix, 'origin.conf'), `server ${origin};\n`);
  // The access log goes to /dev/stdout, which nginx reopens: that fails on a socket (node's 'pipe'), so stdout is a file.
  const accessLog = join(prefix, 'stdout.log');
  const stdout = openSync(accessLog, 'a');
  const args = ['-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'];
  // taskset execs nginx: the child's pid is the master's, and the workers it forks inherit the core.
  const [command, commandArgs] = core !== undefined ? onCores(String(core), nginx, args) : [nginx, args];
  const child = spawn(command, commandArgs, { stdio: ['ignore', stdout, 'pipe'] });
  closeSync(stdout);
  let errors = '';
  child.stderr?.on('data', (c: Buffer) => (errors += c.toString()));
  const output = () => `${errors}${existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : ''}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A process that dies without its after hooks must not leave nginx running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(prefix, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  const pidFile = join(prefix, 'nginx.pid');
  const bound = () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() === String(child.pid);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (/bind\(\) to \S+ failed \(98: Address already in use\)/.test(errors)) {
      child.kill('SIGKILL');
      await stop();
      return { lostTo: 'nginx could not bind it (Address already in use)' };
    }
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nginx exited with ${child.exitCode} running ${edgeNginxConf}:\n${errors}`);
    }
    if (
      bound() &&
      (await fetch(`${base}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      ))
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await stop();
      throw new Error(`nginx not answering on ${base} after ${timeoutMs} ms:\n${errors}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = child.pid as number;
  const workerPids = () =>
    childProcesses(pid)
      .filter((c) => c.cmdline.includes('worker process'))
      .map((c) => c.pid);
  return { base, pid, accessLog, workerPids, output, stop };
}
