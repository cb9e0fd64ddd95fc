import { readFileSync } from 'node:fs';

/** Linux's clock tick for /proc CPU times (USER_HZ), which is 100 on every mainstream kernel build. */
const TICK_MS = 10;

/**
 * CPU time of this process's main thread, in ms: the thread that runs JavaScript and the event loop.
 * From /proc on Linux (10 ms resolution); elsewhere the whole process's CPU, which also counts GC
 * helper threads and the libuv thread pool.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
}

/**
 * How long this process's event loop was kept busy at a stretch, in CPU time: the main thread's CPU
 * between two consecutive turns of a 1 ms timer, the largest such gap. CPU time, not wall time,
 * because a loaded machine stretches wall time (the process waits for a core) but not the work
 * done: a 5 ms slice stays about 5 ms of CPU however busy the machine is, while a build that blocks
 * the loop for half a second shows as half a second of CPU in one gap.
 */
export function blockingMonitor(): { stop(): { readonly longestMs: number; readonly samples: number } } {
  let last = mainThreadCpuMs();
  let longest = 0;
  let samples = 0;
  const sample = () => {
    const now = mainThreadCpuMs();
    if (now - last > longest) longest = now - last;
    last = now;
    samples++;
  };
  const timer = setInterval(sample, 1);
  return {
    stop: () => {
      clearInterval(timer);
      // The work since the last tick counts too: a blocking step right before stop() is exactly what to catch.
      sample();
      return { longestMs: longest, samples };
    },
  };
}
