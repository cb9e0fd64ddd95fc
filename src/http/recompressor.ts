/** One recompression: it looks its answer up again when it runs, so a queued job holds no body, and settles when swapped in. */
export type RecompressionJob = () => Promise<void>;

export interface RecompressionBudget {
  /** Milliseconds of recompression allowed per second, on average (MOVIES_RECOMPRESSION_MS); 0 turns the second tier off. */
  readonly msPerSecond: number;
  /** Jobs waiting at most; an offer beyond is skipped, and its answer offers again when next asked for. */
  readonly maxQueued?: number;
}

/**
 * Waiting jobs hold a key and a closure (the hook's hold the identity body too): a thousand is a few MB at
 * most, and more than 30 seconds of work at the default budget, past which an offer is better skipped.
 */
const MAX_QUEUED = 1000;

export interface RecompressionStats {
  readonly done: number;
  readonly skipped: number;
  readonly failed: number;
  readonly queued: number;
}

/**
 * brotli 11 costs ~3 ms per answer, and what asks for it is a second request for an answer: a flood of
 * distinct queries asked twice would otherwise keep a core busy recompressing. So the second tier's
 * recompressions run one at a time, in the order offered, under a token bucket of
 * milliseconds: a job starts while the bucket is not in debt, and is charged its elapsed time when it
 * ends (one second's worth of budget may be spent at once, then it waits). Elapsed time rather than CPU
 * time, since the work runs in libuv's thread pool where no clock of this process can tell it apart; on
 * a loaded machine it overstates the CPU, the safe side of a budget.
 */
export class Recompressor {
  private readonly queue = new Map<string, RecompressionJob>();
  private running: string | undefined;
  private tokens: number;
  private at: number;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private counts = { done: 0, skipped: 0, failed: 0 };

  private readonly msPerSecond: number;
  private readonly maxQueued: number;

  constructor(
    budget: RecompressionBudget,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.msPerSecond = budget.msPerSecond;
    this.maxQueued = budget.maxQueued ?? MAX_QUEUED;
    this.tokens = this.msPerSecond;
    this.at = now();
  }

  /** Queues `job` under `key` unless it is queued or running already; false when it was skipped (or the tier is off). */
  offer(key: string, job: RecompressionJob): boolean {
    if (this.msPerSecond <= 0) return false;
    if (this.running === key || this.queue.has(key)) return true;
    if (this.queue.size >= this.maxQueued) {
      this.counts.skipped++;
      return false;
    }
    this.queue.set(key, job);
    this.pump();
    return true;
  }

  get stats(): RecompressionStats {
    return { ...this.counts, queued: this.queue.size + (this.running === undefined ? 0 : 1) };
  }

  /** Settles once nothing is queued or running: for tests and benchmarks, which wait for the swap rather than time it. */
  idle(): Promise<void> {
    if (this.running === undefined && this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what is queued (the server is closing); a running job finishes on its own. */
  close(): void {
    this.queue.clear();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running === undefined) this.settleIdle();
  }

  private pump(): void {
    if (this.running !== undefined || this.timer !== undefined) return;
    const next = this.queue.entries().next();
    if (next.done === true) return this.settleIdle();
    this.refill();
    if (this.tokens < 0) {
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.ceil((-this.tokens / this.msPerSecond) * 1000),
      );
      // Waiting for budget must not keep a finished process alive.
      this.timer.unref();
      return;
    }
    const [key, job] = next.value;
    this.queue.delete(key);
    this.running = key;
    const started = this.now();
    job().then(
      () => this.finished(started, 'done'),
      () => this.finished(started, 'failed'),
    );
  }

  private finished(started: number, outcome: 'done' | 'failed'): void {
    this.refill();
    this.tokens -= this.now() - started;
    this.counts[outcome]++;
    this.running = undefined;
    this.pump();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.msPerSecond, this.tokens + ((now - this.at) / 1000) * this.msPerSecond);
    this.at = now;
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
