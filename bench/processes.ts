import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { taskset } from '../test/support/processes.js';

export { taskset };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Pins this process (every thread) to `core`, when taskset exists: the load generator keeps off the server's core. */
export function pinSelf(core: number): void {
  if (taskset) execFileSync(taskset, ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}

export interface Child {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a Node script, pinned to `core`, and resolves once `probe` answers. */
export async function startNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  probe: () => Promise<boolean>,
  core = 0,
): Promise<Child> {
  const child = fork(script, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    ...(taskset ? { execPath: taskset, execArgv: ['-c', String(core), process.execPath, '--enable-source-maps'] } : {}),
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode} before it was ready`);
    if (await probe().catch(() => false)) break;
    if (Date.now() > deadline) throw new Error(`${script} was not ready within 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
      }),
  };
}

export async function httpReady(url: string): Promise<boolean> {
  const res = await fetch(url);
  return res.status === 200;
}
