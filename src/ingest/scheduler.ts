import type { Logger } from 'pino';
import type { IngestOutcome } from './ingestion.js';
import { repeatEvery } from '../runtime/repeat.js';

export interface SchedulerState {
  readonly lastRunAt?: string;
  readonly lastOutcome?: string;
  readonly lastError?: string;
}

/**
 * Runs ingestion every few seconds inside the all-in-one process (the embedded default). Runs never
 * overlap, and a failed run is logged and retried at the next tick: nothing was published by it.
 */
export class IngestScheduler {
  private repeater: { stop(): void } | undefined;
  private current: Promise<IngestOutcome | undefined> | undefined;
  private status: SchedulerState = {};

  constructor(
    /** One ingestion run (in `cinedex serve`, on its own thread: see ThreadedIngester). */
    private readonly ingest: () => Promise<IngestOutcome>,
    private readonly log: Logger,
    private readonly onPublished: () => void,
  ) {}

  get state(): SchedulerState {
    return this.status;
  }

  start(intervalSeconds: number): void {
    this.repeater = repeatEvery(intervalSeconds, () => this.runOnce());
  }

  stop(): Promise<unknown> {
    this.repeater?.stop();
    return this.current ?? Promise.resolve();
  }

  runOnce(): Promise<IngestOutcome | undefined> {
    this.current ??= this.run().finally(() => (this.current = undefined));
    return this.current;
  }

  private async run(): Promise<IngestOutcome | undefined> {
    const at = new Date().toISOString();
    try {
      const outcome = await this.ingest();
      this.status = { lastRunAt: at, lastOutcome: outcome.published ? `published ${outcome.pointer.version}` : outcome.reason };
      if (outcome.published) this.onPublished();
      return outcome;
    } catch (error) {
      this.status = { lastRunAt: at, lastError: (error as Error).message };
      this.log.error({ err: error }, 'ingestion run failed; nothing was published, it will be retried');
      return undefined;
    }
  }
}
