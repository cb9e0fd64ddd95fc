/**
 * Where loading a version spent its time, phase by phase, in milliseconds: what the refresher logs
 * with each swap and `npm run bench:startup` reads, so a slow restart says which step to look at.
 * Segments load concurrently; a phase's figure is summed over them.
 */
export class LoadPhases {
  private readonly ms = new Map<string, number>();
  private markReading: () => void = () => {};
  /**
   * Resolves once a segment's sections are on their way (its prefix and header are read, and the store
   * issues the reads of the rest: SegmentReader's `onPlanned`): from then on the load mostly waits for
   * the read, and the main thread is free for other work.
   */
  readonly segmentReading = new Promise<void>((resolve) => (this.markReading = resolve));

  /** A segment's header is read and the reads of its sections are being issued. */
  segmentReadIssued(): void {
    this.markReading();
  }

  /** Adds the time since `started` (a performance.now() reading) to `phase`. */
  add(phase: string, started: number): void {
    this.ms.set(phase, (this.ms.get(phase) ?? 0) + performance.now() - started);
  }

  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, started);
    }
  }

  /** Each phase's milliseconds, to a tenth, in the order the phases first ran. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.ms].map(([phase, ms]) => [phase, Math.round(ms * 10) / 10]));
  }
}
