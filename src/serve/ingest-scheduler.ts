import type { Logger } from 'pino';
import { runIngestion, type IngestOutcome, type IngestOptions } from '../ingest/ingest-run.js';

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
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<IngestOutcome | undefined> | undefined;
  private status: SchedulerState = {};

  constructor(
    private readonly options: IngestOptions,
    private readonly log: Logger,
    private readonly onPublished: () => void,
  ) {}

  get state(): SchedulerState {
    return this.status;
  }

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0) return;
    const tick = () => {
      void this.runOnce().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, intervalSeconds * 1000).unref();
      });
    };
    this.timer = setTimeout(tick, intervalSeconds * 1000).unref();
  }

  stop(): Promise<unknown> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.current ?? Promise.resolve();
  }

  runOnce(): Promise<IngestOutcome | undefined> {
    this.current ??= this.run().finally(() => (this.current = undefined));
    return this.current;
  }

  private async run(): Promise<IngestOutcome | undefined> {
    const at = new Date().toISOString();
    try {
      const outcome = await runIngestion(this.options);
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
