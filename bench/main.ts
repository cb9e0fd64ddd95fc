/**
 * `npm run bench`: every scenario in turn, in one run, written to docs/performance.md (the capacity
 * scenario also writes docs/capacity.md and its plot). The machine is noisy, so each comparison is
 * repeated and medians and ratios are reported. Each scenario also runs alone: see README.md here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogueIndex } from '../src/engine/catalogue-index.js';
import { repoRoot } from '../test/support/paths.js';
import { benchCapacity } from './capacity/main.js';
import { settingsFromEnv as capacitySettings } from './capacity/settings.js';
import { benchDeltas } from './engine/deltas.js';
import { benchEngine } from './engine/main.js';
import { benchPlotEngine } from './engine/plot.js';
import { benchHttp } from './http/main.js';
import { benchIngestion } from './ingest/main.js';
import { keptAnalysis, machine } from './lib/markdown.js';
import { benchPaths, loadMovies } from './lib/workload.js';
import { benchRelevance } from './relevance/main.js';
import { benchPlotRelevance } from './relevance/plot.js';
import { benchScale } from './scale/main.js';
import { scaleSettings } from './scale/settings.js';
import { benchSearch, benchSearchLarge } from './search/main.js';
import {
  DELTA_ROUNDS,
  ENGINE_LARGE,
  INGEST_SIZES,
  PLOT_WARMUP_ROUNDS,
  ROUNDS,
  SECONDS,
  SKIP_CAPACITY,
  SKIP_INGEST,
  SKIP_SCALE,
  SKIP_SOAK,
} from './settings.js';
import { benchSoak } from './soak/main.js';
import { soakSettings } from './soak/settings.js';

async function main(): Promise<void> {
  // Every variable is read before anything is measured: a typo stops the run at once, not an hour in.
  const rounds = ROUNDS.read();
  const deltaRounds = DELTA_ROUNDS.read();
  const seconds = SECONDS.read();
  const large = ENGINE_LARGE.read();
  const plotWarmup = PLOT_WARMUP_ROUNDS.read();
  const ingest = SKIP_INGEST.read() ? undefined : INGEST_SIZES.read();
  const scale = SKIP_SCALE.read() ? undefined : scaleSettings();
  const soak = SKIP_SOAK.read() ? undefined : soakSettings();
  const capacity = SKIP_CAPACITY.read() ? undefined : capacitySettings();
  const paths = benchPaths();
  const sections: string[] = [
    `# Performance\n\nMeasured by \`npm run bench\` on ${machine()}, ${new Date().toISOString().slice(0, 10)}.\nWorkload: the 3,000 query paths of \`../shared/bench/queries.txt\`, cycled.\n`,
  ];
  const add = (section: string): void => {
    sections.push(section);
    console.log(section);
  };

  console.log('engine: indexing the seed and timing the query mix…');
  const movies = loadMovies();
  const index = CatalogueIndex.build('bench', movies);
  add(benchEngine(index, paths, rounds));
  add(await benchDeltas(index, paths, deltaRounds));

  console.log('search: q, facets, the relevance set against MiniSearch and Orama…');
  add(await benchSearch(index, movies, paths, 5));
  add(await benchRelevance());
  add(await benchPlotRelevance());
  add(await benchPlotEngine(20, plotWarmup));
  // A million movies take a minute and a few GiB to generate and index: asked for, not by default.
  if (large !== undefined) add(await benchSearchLarge(large, paths));

  console.log('http: cinedex (one process, pinned to one core) against a raw node:http fixed body…');
  add(await benchHttp(paths, rounds, seconds));

  if (ingest !== undefined) add(await benchIngestion(ingest));
  // Every size in its own cinedex processes; BENCH_SCALE_SIZES picks the sizes (scale/settings.ts).
  if (scale !== undefined) add(await benchScale(scale));
  // The short run (a minute of swapping); SOAK_MINUTES=10 is the long one, for memory.
  if (soak !== undefined) add(await benchSoak(soak));
  if (capacity !== undefined) sections.push(await benchCapacity(join(repoRoot, 'docs'), capacity));

  mkdirSync('docs', { recursive: true });
  writeFileSync('docs/performance.md', sections.join('\n') + keptAnalysis('docs/performance.md'));
  console.log('wrote docs/performance.md');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
