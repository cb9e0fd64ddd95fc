/**
 * Preloaded into a cinedex CLI process (`node --import <this> …/cli/main.js ingest`): when the
 * process exits, writes `{ peakRssBytes, cpuSeconds }` to $BENCH_PEAK_RSS_FILE. Read from inside
 * because an exited process's /proc entry no longer has its memory, and /usr/bin/time is not
 * everywhere. CPU time counts all threads, so on a busy machine it says what wall time cannot.
 */
import { writeFileSync } from 'node:fs';
import { readMemory } from './proc.js';

export interface ProbeReading {
  readonly peakRssBytes: number;
  readonly cpuSeconds: number;
}

const out = process.env.BENCH_PEAK_RSS_FILE;
if (out) {
  process.on('exit', () => {
    // getrusage's maxrss (KiB) is the same high-water mark where there is no /proc.
    const peakRssBytes = readMemory('self')?.peakRssBytes ?? process.resourceUsage().maxRSS * 1024;
    const { user, system } = process.cpuUsage();
    const reading: ProbeReading = { peakRssBytes, cpuSeconds: (user + system) / 1e6 };
    writeFileSync(out, JSON.stringify(reading));
  });
}
