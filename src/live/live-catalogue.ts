import type { CatalogueReader, Dataset, WarmedVersion, VersionWarmer } from '../snapshot/catalogue-reader.js';

/** What warming a version took: the time, the queries warmed, and what went short. */
export interface WarmReport {
  readonly seconds: number;
  readonly queries: number;
  readonly timedOut: boolean;
  /** Warmers that threw: the version still swapped in, with that cache cold. */
  readonly failed: number;
}

/** A warmer that ignores its deadline is abandoned this long after it. */
const DEADLINE_GRACE_MS = 250;

/**
 * The data this process serves, and the one place it changes. A swap is one reference assignment:
 * a request reads `dataset` once and uses it to the end, so it never mixes two versions and needs
 * no lock. The servers see it only as a CatalogueReader; swapping belongs to the lifecycle.
 */
export class LiveCatalogue implements CatalogueReader {
  private data: Dataset | undefined;
  private loaded: Date | undefined;
  private readonly warmers: VersionWarmer[] = [];

  get dataset(): Dataset | undefined {
    return this.data;
  }

  get loadedAt(): Date | undefined {
    return this.loaded;
  }

  beforeSwap(warm: VersionWarmer): void {
    this.warmers.push(warm);
  }

  swap(dataset: Dataset, now = new Date()): void {
    this.data = dataset;
    this.loaded = now;
  }

  /**
   * Swaps `next` in once every warmer has had until `deadlineSeconds` (the response cache replays
   * its hottest queries), installing what they warmed in the same tick as the swap. Requests are
   * answered from the current version meanwhile. A warmer that fails or runs late never blocks the
   * swap: that cache only starts cold.
   */
  async warmAndSwap(next: Dataset, deadlineSeconds: number): Promise<WarmReport> {
    const started = performance.now();
    const deadline = started + deadlineSeconds * 1000;
    const outcomes = await Promise.allSettled(this.warmers.map((warm) => beforeDeadline(warm(next, deadline), deadline)));
    const ready = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value !== undefined ? [o.value] : []));
    for (const warmed of ready) warmed.install();
    this.swap(next);
    return {
      seconds: (performance.now() - started) / 1000,
      queries: ready.reduce((n, p) => n + p.queries, 0),
      timedOut: ready.some((p) => p.timedOut) || outcomes.some((o) => o.status === 'fulfilled' && o.value === undefined),
      failed: outcomes.filter((o) => o.status === 'rejected').length,
    };
  }
}

/** The warmed version, or undefined if warming is still running a grace period after the deadline. */
function beforeDeadline(warming: Promise<WarmedVersion>, deadline: number): Promise<WarmedVersion | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - performance.now()) + DEADLINE_GRACE_MS);
  });
  return Promise.race([warming, late]).finally(() => clearTimeout(timer));
}
