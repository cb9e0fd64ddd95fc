/**
 * A process's memory as Linux reports it in /proc/<pid>/status: resident now (VmRSS) and the peak
 * since it started or since the peak was last reset (VmHWM). Read from outside, so it measures any
 * build of cinedex without touching its code. Without /proc nothing is known (undefined).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface ProcMemory {
  readonly rssBytes: number;
  readonly peakRssBytes: number;
}

function kibLine(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB\\s*$`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The VmRSS and VmHWM lines of a /proc/<pid>/status text; undefined when either is missing (a zombie has neither). */
export function parseStatus(status: string): ProcMemory | undefined {
  const rssBytes = kibLine(status, 'VmRSS');
  const peakRssBytes = kibLine(status, 'VmHWM');
  return rssBytes === undefined || peakRssBytes === undefined ? undefined : { rssBytes, peakRssBytes };
}

export function readMemory(pid: number | 'self'): ProcMemory | undefined {
  try {
    return parseStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined; // exited, or no /proc
  }
}

/** Sets VmHWM back to the current RSS (Linux ≥ 4.0, same user), so a later peak is the peak of what came after. */
export function resetPeak(pid: number): boolean {
  const file = `/proc/${pid}/clear_refs`;
  if (!existsSync(file)) return false;
  try {
    writeFileSync(file, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples a process's memory until stopped. The peak is the largest VmRSS seen and, with
 * `kernelPeak`, VmHWM's last reading (which also catches a spike between two samples); leave
 * `kernelPeak` off when VmHWM holds an earlier peak that is not to be counted.
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
