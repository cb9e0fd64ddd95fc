import type { Logger } from 'pino';
import { type RefusalReason, SnapshotError } from '../errors/errors.js';
import { repeatEvery } from '../runtime/repeat.js';
import { DatasetLoader } from '../snapshot/load-dataset.js';
import { LoadPhases } from '../snapshot/load-phases.js';
import type { SnapshotRepository } from '../snapshot/repository.js';
import type { LiveCatalogue, WarmReport } from './live-catalogue.js';

export type RefreshResult = 'unchanged' | 'swapped' | 'refused' | 'failed';

export interface RefreshState {
  readonly lastCheck?: Date;
  /** Seconds the last good load took, from reading the pointer to the swap (warming included). */
  readonly lastLoadSeconds?: number;
  /** How warming the response cache for the last version went: seconds, queries, deadline hit, failures. */
  readonly lastWarm?: WarmReport;
  /** The last snapshot this process refused or failed to read, and why; cleared by a good load. */
  readonly lastError?: { readonly version?: string; readonly reason?: RefusalReason; readonly message: string; readonly at: Date };
}

/** Counts since start, for the metrics (live/refresh-metrics.ts). */
export interface RefreshCounts {
  swaps: number;
  failures: number;
  /** Swaps whose warming ran out of time or failed: they served with a colder cache. */
  warmTimeouts: number;
  warmFailures: number;
  readonly refusals: Record<RefusalReason, number>;
}

/**
 * Watches the pointer and swaps a newer snapshot in. A segment loads by reading its bytes and
 * wrapping the index over them, off the request path; a snapshot that fails its checksum, does not
 * decode or is of a format this release does not read is refused, once per version, and the old
 * data keeps serving.
 */
export class SnapshotRefresher {
  private repeater: { stop(): void } | undefined;
  private running: Promise<RefreshResult> | undefined;
  private following: Promise<RefreshResult> | undefined;
  private refusedVersion: string | undefined;
  private readonly loader: DatasetLoader;
  private status: RefreshState = {};
  readonly counts: RefreshCounts = {
    swaps: 0,
    failures: 0,
    warmTimeouts: 0,
    warmFailures: 0,
    refusals: { 'unknown-format': 0, damaged: 0, missing: 0 },
  };

  constructor(
    private readonly repository: SnapshotRepository,
    private readonly live: LiveCatalogue,
    private readonly log: Logger,
    /** Longest a new version waits for its cache to warm before it serves anyway. */
    private readonly warmDeadlineSeconds = 5,
  ) {
    this.loader = new DatasetLoader(repository);
  }

  get state(): RefreshState {
    return this.status;
  }

  /**
   * One check. A caller arriving while a check is in flight gets the next check, started once that
   * one ends and shared by everyone arriving meanwhile: the check in flight may have read the pointer
   * before the version the caller knows of (the run that just published it) was written, and joining
   * it would leave that version waiting a whole refresh interval. `phases` follows the load when this
   * call starts the check (a process's first call does).
   */
  refresh(phases = new LoadPhases()): Promise<RefreshResult> {
    if (this.running === undefined) {
      this.running = this.check(phases).finally(() => (this.running = undefined));
      return this.running;
    }
    this.following ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.following = undefined;
        return this.refresh();
      });
    return this.following;
  }

  start(intervalSeconds: number): void {
    this.repeater = repeatEvery(intervalSeconds, () => this.refresh());
  }

  stop(): void {
    this.repeater?.stop();
  }

  private async check(phases: LoadPhases): Promise<RefreshResult> {
    const at = new Date();
    const started = performance.now();
    let version: string | undefined;
    try {
      const current = await phases.time('pointer', () => this.repository.current());
      version = current?.pointer.version;
      if (!current || version === this.live.dataset?.pointer?.version || version === this.refusedVersion) {
        this.status = { ...this.status, lastCheck: at };
        return 'unchanged';
      }
      const dataset = await this.loader.load(current.pointer, phases);
      const warm = await this.live.warmAndSwap(dataset, this.warmDeadlineSeconds);
      const seconds = (performance.now() - started) / 1000;
      this.status = { lastCheck: at, lastLoadSeconds: seconds, lastWarm: warm };
      this.counts.swaps++;
      if (warm.timedOut) this.counts.warmTimeouts++;
      if (warm.failed > 0) this.counts.warmFailures++;
      const ms = (s: number) => Math.round(s * 1000);
      this.log.info(
        {
          version,
          movies: dataset.index.size,
          loadMs: ms(seconds),
          warmMs: ms(warm.seconds),
          warmQueries: warm.queries,
          warmTimedOut: warm.timedOut,
          phasesMs: phases,
        },
        'snapshot swapped in',
      );
      if (warm.failed > 0) this.log.warn({ version }, 'warming the response cache failed; the new version serves with a cold cache');
      return 'swapped';
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof SnapshotError) {
        version ??= error.version;
        if (version !== undefined && version === this.refusedVersion) return 'unchanged';
        // A refused snapshot stays refused until the pointer moves; a read failure is retried next tick.
        this.refusedVersion = version;
        this.counts.refusals[error.reason]++;
        this.status = { ...this.status, lastCheck: at, lastError: { ...(version ? { version } : {}), reason: error.reason, message, at } };
        this.log.error({ version, reason: error.reason, err: error }, 'snapshot refused; still serving the previous data');
        return 'refused';
      }
      this.counts.failures++;
      this.status = { ...this.status, lastCheck: at, lastError: { ...(version ? { version } : {}), message, at } };
      this.log.error({ version, err: error }, 'snapshot refresh failed; will retry');
      return 'failed';
    }
  }
}
