import type { Logger } from 'pino';
import type { StoredObject } from '../store/object-store.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { IngestOutcome } from './ingestion.js';
import { repeatEvery } from '../runtime/repeat.js';

export interface SchedulerState {
  readonly lastRunAt?: string;
  readonly lastOutcome?: string;
  readonly lastError?: string;
}

/**
 * Runs ingestion: every few seconds (the periodic listing: the embedded default, or the
 * reconciliation behind a queue) and whenever the queue watcher asks for its notified objects. Runs
 * never overlap: one waits for the one in progress. A failed run is logged and retried (the next
 * tick, or the message's next try): nothing was published by it.
 */
export class IngestScheduler {
  private repeater: { stop(): void } | undefined;
  private periodic: Promise<IngestOutcome | undefined> | undefined;
  /** The tail of the runs queued so far; each run starts when it settles. */
  private tail: Promise<unknown> = Promise.resolve();
  private status: SchedulerState = {};

  constructor(
    /** One ingestion run, of just `objects` when given (in `cinedex serve`, on its own thread: see ThreadedIngester). */
    private readonly ingest: (objects?: readonly StoredObject[]) => Promise<IngestOutcome>,
    private readonly log: Logger,
    private readonly onPublished: () => void,
    private readonly metrics?: IngestMetrics,
  ) {}

  get state(): SchedulerState {
    return this.status;
  }

  start(intervalSeconds: number): void {
    this.repeater = repeatEvery(intervalSeconds, () => this.runOnce());
  }

  stop(): Promise<unknown> {
    this.repeater?.stop();
    return this.tail;
  }

  /** A listing run; while one is queued or running, asking again joins it. Failures are logged, not thrown. */
  runOnce(): Promise<IngestOutcome | undefined> {
    this.periodic ??= this.run().then(
      (outcome) => outcome,
      () => undefined,
    );
    const joined = this.periodic;
    void joined.finally(() => {
      if (this.periodic === joined) this.periodic = undefined;
    });
    return joined;
  }

  /** A run of just `objects`, after any run in progress; rejects with the run's error, which is logged too. */
  run(objects?: readonly StoredObject[]): Promise<IngestOutcome> {
    const result = this.tail.then(() => this.attempt(objects));
    this.tail = result.catch(() => {});
    return result;
  }

  private async attempt(objects: readonly StoredObject[] | undefined): Promise<IngestOutcome> {
    const at = new Date().toISOString();
    try {
      const outcome = await this.ingest(objects);
      this.status = { lastRunAt: at, lastOutcome: outcome.published ? `published ${outcome.pointer.version}` : outcome.reason };
      this.metrics?.run(outcome.published ? 'published' : 'nothing_new');
      if (outcome.synonyms?.status === 'rejected') this.metrics?.synonymsRejected();
      if (outcome.published) {
        this.metrics?.published(new Date(outcome.pointer.createdAt), outcome.applied);
        this.onPublished();
      }
      return outcome;
    } catch (error) {
      this.status = { lastRunAt: at, lastError: (error as Error).message };
      const conflict = (error as { code?: unknown }).code === 'PUBLISH_CONFLICT';
      this.metrics?.run(conflict ? 'conflict' : 'failed');
      this.log[conflict ? 'warn' : 'error']({ err: error }, 'ingestion run failed; nothing was published, it will be retried');
      throw error;
    }
  }
}
