/**
 * The scale table (`npm run bench:scale`, or a section of `npm run bench`): for each catalogue size,
 * ingestion, start to ready, memory, a swap, query latency and the store's bytes, all measured from
 * outside cinedex's processes (scale-bench.ts). Writes docs/scale.md and returns the section.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/paths.js';
import { taskset } from '../../test/support/processes.js';
import { pinSelf } from '../lib/launch.js';
import { keptAnalysis, machine } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { scaleMarkdown } from './report.js';
import { measureSize, type ScaleResult } from './scale-bench.js';
import { scaleSettings, type ScaleSettings } from './settings.js';

export async function benchScale(settings: ScaleSettings = scaleSettings()): Promise<string> {
  console.log(`scale: ${settings.sizes.join(', ')}, each size in its own processes…`);
  if (!taskset) console.log('scale: taskset not found, so processes run where this one may');
  // With BENCH_SCALE_PIN=1 the HTTP client and this process stay off the serving process's core.
  if (settings.pin) pinSelf(1);
  const results: ScaleResult[] = [];
  for (const size of settings.sizes) results.push(await measureSize(size, settings));
  return scaleMarkdown(results, settings);
}

/** Runs every size and writes docs/scale.md, as `npm run bench:scale` does. */
async function writeScale(): Promise<string> {
  const section = await benchScale();
  const docs = join(repoRoot, 'docs');
  mkdirSync(docs, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const file = join(docs, 'scale.md');
  writeFileSync(file, `# Scale\n\nMeasured by \`npm run bench:scale\` on ${machine()}, ${date}.\n\n${section}` + keptAnalysis(file));
  return `${section}\nwrote docs/scale.md`;
}

runIfMain(import.meta.url, writeScale);
