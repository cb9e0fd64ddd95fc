import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

export interface SupervisorOptions {
  readonly workers: number;
  readonly log: Logger;
  /** Upper bound for one worker's graceful stop before it is killed. */
  readonly stopTimeoutMs: number;
  /** Drain on SIGTERM: endpoints outside this host need time to stop sending traffic. */
  readonly drainSeconds: number;
  /**
   * Drain in a rolling restart: only this host's own connections need to move, so a short drain
   * (long enough for each keep-alive client to get one `Connection: close`) is enough.
   */
  readonly rollingDrainSeconds: number;
}

/** Message the supervisor sends a worker to make it drain for `drainSeconds` and exit. */
export interface StopMessage {
  readonly type: 'cinedex:stop';
  readonly drainSeconds: number;
}

export function isStopMessage(message: unknown): message is StopMessage {
  return typeof message === 'object' && message !== null && (message as StopMessage).type === 'cinedex:stop';
}

/**
 * The primary process of `MOVIES_WORKERS > 1`: forks the serving workers (which share the port
 * through node:cluster), replaces any that die, and on SIGHUP replaces them one at a time, each
 * new worker listening before its predecessor starts draining, so capacity never drops to zero.
 */
export class Supervisor {
  private stopping = false;
  private rolling = false;
  private readonly retiring = new Set<Worker>();

  constructor(private readonly options: SupervisorOptions) {}

  start(): void {
    cluster.on('exit', (worker, code, signal) => {
      if (this.retiring.delete(worker) || this.stopping) return;
      this.options.log.error({ worker: worker.id, code, signal }, 'worker died; starting a replacement');
      setTimeout(() => this.fork(), 200).unref();
    });
    for (let i = 0; i < this.options.workers; i++) this.fork();
  }

  /** Rolling restart on one host: new worker up and listening, then the old one drains. */
  async rollingRestart(): Promise<void> {
    if (this.rolling || this.stopping) return;
    this.rolling = true;
    try {
      const old = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !this.retiring.has(w));
      this.options.log.info({ workers: old.length }, 'rolling restart');
      for (const worker of old) {
        const replacement = this.fork();
        await new Promise<void>((resolve, reject) => {
          replacement.once('listening', () => resolve());
          replacement.once('exit', () => reject(new Error('replacement worker exited before listening')));
        });
        await this.retire(worker, this.options.rollingDrainSeconds);
      }
      this.options.log.info('rolling restart done');
    } catch (error) {
      this.options.log.error({ err: error }, 'rolling restart stopped');
    } finally {
      this.rolling = false;
    }
  }

  /** Drains every worker at once (SIGTERM: the pod is going away) and resolves when all are gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(Object.values(cluster.workers ?? {}).map((w) => (w ? this.retire(w, this.options.drainSeconds) : undefined)));
  }

  private fork(): Worker {
    return cluster.fork();
  }

  private retire(worker: Worker, drainSeconds: number): Promise<void> {
    this.retiring.add(worker);
    return new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve();
      const timer = setTimeout(() => worker.process.kill('SIGKILL'), this.options.stopTimeoutMs).unref();
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      const message: StopMessage = { type: 'cinedex:stop', drainSeconds };
      worker.send(message);
    });
  }
}
