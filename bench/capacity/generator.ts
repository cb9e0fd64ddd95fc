/**
 * The load generator as a child process pinned to core 1, so that its CPU does not compete with the
 * server's on core 0. Runs are sent to it over IPC and its results come back the same way.
 */
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchNode } from '../lib/launch.js';
import type { OpenLoopOptions, OpenLoopResult, WorkerReply, WorkerRequest } from './open-loop.js';

/** open-loop.ts compiled: run with `--worker`, it takes runs from its parent over IPC. */
const generatorScript = fileURLToPath(new URL('open-loop.js', import.meta.url));

export interface Generator {
  readonly pid: number | undefined;
  /** One open-loop run; the generator keeps its connections between runs until `reset`. */
  run(options: Omit<OpenLoopOptions, 'transport'>): Promise<OpenLoopResult>;
  /** Closes the connections: the next series talks to another server. */
  reset(): void;
  stop(): void;
}

export function startGenerator(): Generator {
  const { child } = launchNode(generatorScript, {
    args: ['--worker'],
    nodeArgs: ['--enable-source-maps'],
    cores: '1',
    stdout: 'inherit',
    stderr: 'inherit',
    ipc: true,
  });
  // Below the servers' priority: the origin of the edge series shares this core, and a woken server
  // must not wait behind a generator that is busy-polling its schedule.
  if (child.pid !== undefined) setPriority(child.pid, 10);
  const pending = new Map<number, { resolve: (r: OpenLoopResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  child.on('message', (reply: WorkerReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.type === 'result') waiter?.resolve(reply.result);
    else waiter?.reject(new Error(`load generator: ${reply.message}`));
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load generator exited with ${code}`));
    pending.clear();
  });
  return {
    pid: child.pid,
    run: (options) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ type: 'run', id, options } satisfies WorkerRequest);
      }),
    reset: () => child.send({ type: 'reset' } satisfies WorkerRequest),
    stop: () => child.disconnect(),
  };
}
