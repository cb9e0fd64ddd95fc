/**
 * The CPU time of the calling thread, beside the whole process's, for timing one call in process.
 * process.cpuUsage() sums every thread of the process: V8's GC helpers and its optimising compiler
 * run on the other core while a query runs, and their time lands in whichever sample reads it next.
 * The calling thread's own time is the first field of /proc/thread-self/schedstat (ns). Linux only
 * brings a running thread's count up to date at a tick or a switch, so read alone it stands still
 * for milliseconds (measured: 0 ns over a 200 µs spin); getrusage(RUSAGE_SELF), which
 * process.cpuUsage() is, updates the calling thread's first, so the file is read right after it.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Both clocks at one moment: the process's CPU (µs, every thread) and this thread's (ns, NaN without /proc). */
export interface CpuClocks {
  readonly processUs: number;
  readonly threadNs: number;
}

/** A reader of this thread's clocks; `close` releases its file. */
export interface ThreadClock {
  read(): CpuClocks;
  close(): void;
}

/** Opens the calling thread's schedstat once; each read is then one pread of it. */
export function threadClock(): ThreadClock {
  let fd: number | undefined;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    fd = undefined;
  }
  const buffer = Buffer.alloc(96);
  return {
    read(): CpuClocks {
      const { user, system } = process.cpuUsage();
      if (fd === undefined) return { processUs: user + system, threadNs: NaN };
      const n = readSync(fd, buffer, 0, buffer.length, 0);
      const space = buffer.indexOf(32);
      return { processUs: user + system, threadNs: Number(buffer.toString('latin1', 0, space < 0 || space > n ? n : space)) };
    },
    close(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** The calling thread's CPU µs by `clock`, or the whole process's where /proc gives no thread clock. */
export function ownMicros(clock: ThreadClock): number {
  const { processUs, threadNs } = clock.read();
  return Number.isNaN(threadNs) ? processUs : threadNs / 1000;
}
