/** A process's memory sampled from /proc until stopped: the peak a run reached, seen from outside. */
import { readMemory, type ProcMemory } from './proc.js';

/**
 * The peak is the largest VmRSS seen and, with `kernelPeak`, VmHWM's last reading (which also
 * catches a spike between two samples); leave `kernelPeak` off when VmHWM holds an earlier peak that
 * is not to be counted.
 */
export class MemoryWatch {
  private peak = 0;
  private last: ProcMemory | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    private readonly options: { readonly kernelPeak: boolean; readonly everyMs?: number } = { kernelPeak: true },
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), options.everyMs ?? 20);
  }

  private sample(): void {
    const memory = readMemory(this.pid);
    if (!memory) return;
    this.last = memory;
    this.peak = Math.max(this.peak, memory.rssBytes, this.options.kernelPeak ? memory.peakRssBytes : 0);
  }

  /** Stops sampling; the peak seen (NaN when nothing could be read) and the last reading. */
  stop(): { readonly peakRssBytes: number; readonly last: ProcMemory | undefined } {
    this.sample();
    clearInterval(this.timer);
    return { peakRssBytes: this.last ? this.peak : NaN, last: this.last };
  }
}
