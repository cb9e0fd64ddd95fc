import type { Logger } from 'pino';
import { loadDataset } from '../snapshot/dataset.js';
import type { SnapshotRepository } from '../snapshot/repository.js';
import type { LiveCatalogue } from './live-catalogue.js';
import { repeatEvery } from '../runtime/repeat.js';

export type RefreshResult = 'unchanged' | 'swapped' | 'refused' | 'failed';

export interface RefreshState {
  readonly lastCheck?: Date;
  /** The last snapshot this process refused or failed to read, and why; cleared by a good load. */
  readonly lastError?: { readonly version?: string; readonly message: string; readonly at: Date };
}

/**
 * Watches the pointer and swaps a newer snapshot in. Loading and indexing run off the request path
 * (sliced, see CatalogueIndex.buildInSlices); a snapshot that fails its checksum or validation is
 * refused and the old data keeps serving.
 */
export class SnapshotRefresher {
  private repeater: { stop(): void } | undefined;
  private running: Promise<RefreshResult> | undefined;
  private refusedVersion: string | undefined;
  private status: RefreshState = {};

  constructor(
    private readonly repository: SnapshotRepository,
    private readonly live: LiveCatalogue,
    private readonly log: Logger,
    private readonly onResult: (result: RefreshResult) => void = () => {},
  ) {}

  get state(): RefreshState {
    return this.status;
  }

  /** One check; concurrent callers share the check in flight. */
  refresh(): Promise<RefreshResult> {
    this.running ??= this.check().finally(() => (this.running = undefined));
    return this.running;
  }

  start(intervalSeconds: number): void {
    this.repeater = repeatEvery(intervalSeconds, () => this.refresh());
  }

  stop(): void {
    this.repeater?.stop();
  }

  private async check(): Promise<RefreshResult> {
    const at = new Date();
    let version: string | undefined;
    let result: RefreshResult;
    try {
      const current = await this.repository.current();
      version = current?.pointer.version;
      if (!current || version === this.live.dataset?.pointer?.version || version === this.refusedVersion) {
        result = 'unchanged';
      } else {
        const dataset = await loadDataset(this.repository, current.pointer);
        this.live.swap(dataset);
        this.status = { lastCheck: at };
        this.log.info({ version, movies: dataset.index.size }, 'snapshot swapped in');
        result = 'swapped';
      }
    } catch (error) {
      const message = (error as Error).message;
      const refused = (error as { code?: string }).code === 'INVALID_SNAPSHOT';
      // A refused snapshot stays refused until the pointer moves; a read failure is retried next tick.
      if (refused) this.refusedVersion = version;
      this.status = { lastCheck: at, lastError: { ...(version ? { version } : {}), message, at } };
      this.log.error(
        { version, err: error },
        refused ? 'snapshot refused; still serving the previous data' : 'snapshot refresh failed; will retry',
      );
      result = refused ? 'refused' : 'failed';
    }
    if (result === 'unchanged') this.status = { ...this.status, lastCheck: at };
    this.onResult(result);
    return result;
  }
}
