import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { settlesWithin } from './settles-within.js';

export interface DrainOptions {
  /** Stops accepting, closes idle connections, resolves once in-flight requests are done. */
  readonly close: () => Promise<void>;
  /** When `run` is not given one. */
  readonly drainSeconds?: number;
  /**
   * How long `close` may wait for in-flight requests before the drain gives up on them: `cut` ends
   * the connections still open and `overrun` counts it. Unbounded when not given.
   */
  readonly closeBudgetSeconds?: number;
  readonly cut?: () => void;
  readonly overrun?: () => void;
  readonly log: Logger;
  /**
   * Waits out the drain period: a timer unless given. A test gives one it ends itself, so that what it checks
   * during the period cannot race the period's end on a loaded machine. `ended` aborts when endPeriod is called; the
   * period is over then whether or not the wait heeds it.
   */
  readonly wait?: (ms: number, ended: AbortSignal) => Promise<void>;
}

/** The timer is cancelled when the period is ended early, so that it does not hold the process open. */
const timer = (ms: number, ended: AbortSignal) =>
  sleep(ms, undefined, { signal: ended }).catch((error: unknown) => {
    if (!ended.aborted) throw error;
  });

/**
 * The seconds `serve` gives its in-flight requests after the drain period. The API's pod has 30 s
 * from SIGTERM to its SIGKILL: the 2 s preStop pause, the 10 s drain, then these, with 3 s to
 * spare, so the process gives up itself, and says so, before the kubelet kills it silently.
 */
export const SERVE_CLOSE_BUDGET_SECONDS = 15;

/**
 * Zero-downtime stop, for `serve` and `edge` alike. Readiness turns 503 at once, but the process
 * keeps serving for the drain period, because load balancers and Kubernetes endpoints take seconds
 * to stop sending traffic. Meanwhile the servers answer every request with `Connection: close`
 * while `isDraining`, so keep-alive clients reconnect elsewhere after their current request instead
 * of having an idle socket cut under them. Then `close` stops accepting and lets in-flight
 * requests finish, within the close budget when there is one.
 */
export class Drain {
  private started: Promise<void> | undefined;
  private draining = false;
  private readonly periodEnd = new AbortController();

  constructor(private readonly options: DrainOptions) {}

  get isDraining(): boolean {
    return this.draining;
  }

  /** Idempotent: a second signal during the drain waits for the same stop. */
  run(reason: string, drainSeconds = this.options.drainSeconds ?? 0): Promise<void> {
    this.started ??= this.drain(reason, drainSeconds);
    return this.started;
  }

  /**
   * Ends the drain period now: the listener closes and in-flight requests still finish, within the close budget. For a
   * second signal, whose sender will not wait out the period; called before `run`, the period `run` starts is over at once.
   */
  endPeriod(reason: string): void {
    if (this.periodEnd.signal.aborted) return;
    this.options.log.info({ reason }, 'drain period ended early');
    this.periodEnd.abort();
  }

  private async drain(reason: string, drainSeconds: number): Promise<void> {
    const { close, closeBudgetSeconds, log, wait = timer } = this.options;
    const ended = this.periodEnd.signal;
    this.draining = true;
    log.info({ reason, drainSeconds }, 'draining: readiness is now 503, still serving');
    const endedEarly = new Promise<void>((resolve) => ended.addEventListener('abort', () => resolve(), { once: true }));
    if (!ended.aborted) await Promise.race([wait(drainSeconds * 1000, ended), endedEarly]);
    log.info('drain period over: closing the listener and idle connections, finishing in-flight requests');
    const closed = close();
    if (closeBudgetSeconds !== undefined && !(await settlesWithin(closed, closeBudgetSeconds * 1000))) {
      log.error({ closeBudgetSeconds }, 'drain overran: requests still in flight after the close budget; cutting their connections');
      this.options.overrun?.();
      this.options.cut?.();
    }
    await closed;
    log.info('server closed');
  }
}
