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

/** Message the supervisor sends a stopping worker to end its drain period now (a second signal to the primary). */
export interface EndDrainPeriodMessage {
  readonly type: 'cinedex:end-drain-period';
  readonly reason: string;
}

export function isEndDrainPeriodMessage(message: unknown): message is EndDrainPeriodMessage {
  return isMessage(message, 'cinedex:end-drain-period') && typeof (message as { reason?: unknown }).reason === 'string';
}

/** Worker → primary once its server is closed; the primary answers with CLOSED_ACK. */
const CLOSED = 'cinedex:closed';
const CLOSED_ACK = 'cinedex:closed-ack';

function isMessage(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/**
 * Worker side, after its server has closed: waits until no connection can still be on its way to
 * this worker, then resolves so the worker may exit.
 *
 * node:cluster's primary accepts connections and hands each to a worker over IPC; it recovers a
 * connection only when the worker answers the hand-off. Closing the server tells the primary to stop
 * choosing this worker, but a connection handed off just before that is still in the pipe, and a
 * worker that exits now takes it along unanswered: the client hangs. IPC is ordered, so once the
 * primary answers a message sent after the close, every earlier hand-off has arrived and been sent
 * back; a last send with a callback makes sure those answers are written before exit.
 */
export function leaveCluster(timeoutMs = 5000): Promise<void> {
  const maybeSend = process.send?.bind(process);
  if (!cluster.isWorker || !maybeSend || !process.connected) return Promise.resolve();
  const send = maybeSend;
  return new Promise<void>((resolve) => {
    // The primary may be gone (it was killed): then there is nobody to hand us connections.
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve();
    }
    function onMessage(message: unknown): void {
      if (!isMessage(message, CLOSED_ACK)) return;
      if (process.connected) send({ type: 'cinedex:leaving' }, () => done());
      else done();
    }
    process.on('message', onMessage);
    send({ type: CLOSED });
  });
}

/**
 * The primary process of `MOVIES_WORKERS > 1`: forks the serving workers (which share the port
 * through node:cluster), replaces any that die, and on SIGHUP replaces them one at a time, each
 * new worker listening before its predecessor starts draining, so capacity never drops to zero.
 */
export class Supervisor {
  private stopping = false;
  private rolling = false;
  private restartAgain = false;
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

  /**
   * Rolling restart on one host: new worker up and listening, then the old one drains. A SIGHUP
   * during a restart is not dropped: new code may have landed after the restart began, so one more
   * restart follows the current one.
   */
  async rollingRestart(): Promise<void> {
    if (this.stopping) return;
    if (this.rolling) {
      this.restartAgain = true;
      return;
    }
    this.rolling = true;
    try {
      do {
        this.restartAgain = false;
        await this.replaceAll();
      } while (this.restartAgain && !this.stopping);
    } catch (error) {
      this.options.log.error({ err: error }, 'rolling restart stopped');
    } finally {
      this.rolling = false;
    }
  }

  private async replaceAll(): Promise<void> {
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
  }

  /** Drains every worker at once (SIGTERM: the pod is going away) and resolves when all are gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(Object.values(cluster.workers ?? {}).map((w) => (w ? this.retire(w, this.options.drainSeconds) : undefined)));
  }

  /**
   * Tells every worker still connected to end its drain period now; their requests in flight still finish. A worker is
   * told to stop before this (IPC is ordered), so its period is over whether it is in it or not yet.
   */
  endDrainPeriod(reason: string): void {
    const message: EndDrainPeriodMessage = { type: 'cinedex:end-drain-period', reason };
    for (const worker of Object.values(cluster.workers ?? {})) {
      // The callback takes the error of a channel that closed since (the worker exiting): unheard, it is an 'error'
      // event, which would end the primary with code 1.
      if (worker?.isConnected()) worker.send(message, () => undefined);
    }
  }

  private fork(): Worker {
    const worker = cluster.fork();
    // See leaveCluster: by the time this message arrives, the worker's server close has been handled.
    worker.on('message', (message: unknown) => {
      if (isMessage(message, CLOSED) && worker.isConnected()) worker.send({ type: CLOSED_ACK });
    });
    return worker;
  }

  private retire(worker: Worker, drainSeconds: number): Promise<void> {
    // A worker already told to stop (a rolling restart's, when SIGTERM arrives) may have left the
    // cluster's channel but not exited yet: sending to it would raise ERR_IPC_CHANNEL_CLOSED as an
    // unhandled 'error' and take the primary down with exit code 1. Such a worker is only waited for.
    const told = this.retiring.has(worker) || !worker.isConnected();
    this.retiring.add(worker);
    return new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve();
      const timer = setTimeout(() => worker.process.kill('SIGKILL'), this.options.stopTimeoutMs).unref();
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (told) return;
      const message: StopMessage = { type: 'cinedex:stop', drainSeconds };
      worker.send(message);
    });
  }
}
