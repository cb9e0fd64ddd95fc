/**
 * The capacity scenario (`npm run bench:capacity`, or the last part of `npm run bench`): the request
 * rate one core sustains with p99 under 5 ms, for the API and the edge, found by offering a constant
 * rate (open loop, open-loop.ts) in steps and measuring latency from each request's intended send
 * time. Writes docs/capacity.md and docs/capacity-latency.svg and returns a short section for
 * docs/performance.md.
 *
 * Layout: each server is one process pinned to core 0; the generator is a child pinned to core 1; this
 * process only orchestrates. On a shared machine other work can land on either core, so every step
 * measures the CPU nobody of ours used and is repeated when that is more than a trace.
 *
 * The parts: settings.ts (CAPACITY_* variables), series.ts (what is measured), measure.ts with search.ts
 * and ../lib/cpu.ts (how), generator.ts and open-loop.ts (the load), report.ts with its report-*.ts
 * sections, plot.ts and svg-plot.ts (what is written), manifests.ts and sizing.ts (replica sizing),
 * saved-run.ts (rendering again without measuring).
 */
import { join } from 'node:path';
import { repoRoot } from '../../test/support/paths.js';
import { taskset } from '../../test/support/processes.js';
import { machine } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { benchPaths } from '../lib/workload.js';
import { startGenerator } from './generator.js';
import { runSeries, type SeriesResult } from './measure.js';
import { writeReport } from './report.js';
import { lastRunFile, loadRun, saveRun, type SavedRun } from './saved-run.js';
import { seriesSpecs } from './series.js';
import { settingsFromEnv, type Settings } from './settings.js';

/** Runs every series `settings` selects, writes docs/capacity.md and its SVG, and returns a short section for docs/performance.md. */
export async function benchCapacity(outDir = join(repoRoot, 'docs'), settings: Settings = settingsFromEnv()): Promise<string> {
  const paths = benchPaths();
  const specs = seriesSpecs(paths).filter((spec) => {
    if (settings.series !== undefined && !settings.series.includes(spec.key)) return false;
    const missing = spec.unavailable?.();
    if (missing === undefined) return true;
    // Asked for by name, it must run; in a run of every series, the others are still worth measuring.
    if (settings.series !== undefined) throw new Error(`capacity: cannot run ${spec.key}: ${missing}`);
    console.log(`capacity: leaving out ${spec.key}: ${missing}`);
    return false;
  });
  if (!taskset) console.log('capacity: taskset not found, so servers and generator are not pinned; results are less meaningful');
  const generator = startGenerator();
  const started = performance.now();
  const results: SeriesResult[] = [];
  try {
    for (const spec of specs) results.push(await runSeries(spec, generator, settings));
  } finally {
    generator.stop();
  }
  const run: SavedRun = {
    machine: machine(),
    date: new Date().toISOString().slice(0, 10),
    minutes: (performance.now() - started) / 60_000,
    settings,
    results,
  };
  saveRun(run);
  return writeReport(run, outDir);
}

// `--from [file]` renders the report again from a saved run (by default the last one) without measuring.
runIfMain(import.meta.url, async () => {
  const from = process.argv.indexOf('--from');
  if (from < 0) return benchCapacity();
  return writeReport(loadRun(process.argv[from + 1] ?? lastRunFile, settingsFromEnv()), join(repoRoot, 'docs'));
});
