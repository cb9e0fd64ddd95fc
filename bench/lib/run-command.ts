/**
 * One `cinedex seed` or `cinedex ingest` run to its end, as the scale and ingestion scenarios measure it
 * from outside: wall time from spawn to exit, CPU time and peak RSS. Nothing here imports cinedex's
 * code, so the same harness measures today's build and the next one.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failure, launchNode } from './launch.js';
import { MemoryWatch } from './memory-watch.js';
import type { ProbeReading } from './peak-rss-probe.js';
import { cinedexCli } from './servers.js';

/** Preloaded into the run (`--import`): it writes the process's own peak RSS and CPU time as it exits. */
const probe = new URL('peak-rss-probe.js', import.meta.url).href;

export interface CommandRun {
  readonly seconds: number;
  /** The process's CPU time, all threads (NaN when the probe could not say). */
  readonly cpuSeconds: number;
  /** The process's VmHWM at exit (from the preloaded probe), or the largest RSS sampled from outside. */
  readonly peakRssBytes: number;
}

/** Runs `cinedex <command>` on the CPUs of `cores` (a taskset list; by default this process's) to its end. */
export async function runCommand(command: 'seed' | 'ingest', env: NodeJS.ProcessEnv, cores?: string): Promise<CommandRun> {
  const peakFile = join(tmpdir(), `cinedex-scale-peak-${process.pid}-${Date.now()}`);
  const run = launchNode(cinedexCli, {
    args: [command],
    nodeArgs: ['--import', probe],
    env: { ...env, BENCH_PEAK_RSS_FILE: peakFile },
    cores,
  });
  const watch = new MemoryWatch(run.pid);
  const ending = await run.exited;
  const seconds = (performance.now() - run.startedAt) / 1000;
  const sampled = watch.stop().peakRssBytes;
  let probed: ProbeReading | undefined;
  try {
    probed = JSON.parse(readFileSync(peakFile, 'utf8')) as ProbeReading;
  } catch {
    // no probe reading (killed before exit): the samples stand
  }
  rmSync(peakFile, { force: true });
  if (ending !== 'exit code 0') throw failure(`cinedex ${command} ended (${ending}) after ${seconds.toFixed(1)} s`, run.output());
  return { seconds, cpuSeconds: probed?.cpuSeconds ?? NaN, peakRssBytes: probed?.peakRssBytes ?? sampled };
}
