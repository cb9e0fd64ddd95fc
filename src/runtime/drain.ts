import type { Logger } from 'pino';

export interface DrainOptions {
  /** Stops accepting, closes idle connections, resolves once in-flight requests are done. */
  readonly close: () => Promise<void>;
  /** When `run` is not given one. */
  readonly drainSeconds?: number;
  readonly log: Logger;
}

/**
 * Zero-downtime stop, for `serve` and `edge` alike. Readiness turns 503 at once, but the process
 * keeps serving for the drain period, because load balancers and Kubernetes endpoints take seconds
 * to stop sending traffic. Meanwhile the servers answer every request with `Connection: close`
 * while `isDraining`, so keep-alive clients reconnect elsewhere after their current request instead
 * of having an idle socket cut under them. Then `close` stops accepting and lets in-flight
 * requests finish.
 */
export class Drain {
  private started: Promise<void> | undefined;
  private draining = false;

  constructor(private readonly options: DrainOptions) {}

  get isDraining(): boolean {
    return this.draining;
  }

  /** Idempotent: a second signal during the drain waits for the same stop. */
  run(reason: string, drainSeconds = this.options.drainSeconds ?? 0): Promise<void> {
    this.started ??= this.drain(reason, drainSeconds);
    return this.started;
  }

  private async drain(reason: string, drainSeconds: number): Promise<void> {
    const { close, log } = this.options;
    this.draining = true;
    log.info({ reason, drainSeconds }, 'draining: readiness is now 503, still serving');
    await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
    log.info('drain period over: closing the listener and idle connections, finishing in-flight requests');
    await close();
    log.info('server closed');
  }
}
