/**
 * `npm run bench`: measures side by side in one run and writes docs/performance.md.
 * The machine is noisy, so each comparison is repeated and medians and ratios are reported.
 */
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { CatalogueIndex } from '../src/engine/catalogue-index.js';
import { benchEngine } from './engine-bench.js';
import { benchRelevance } from './relevance/main.js';
import { benchSearch, benchSearchLarge } from './search-bench.js';
import { benchHttp } from './http-bench.js';
import { fmt, median, table } from './stats.js';
import { benchPaths, loadMovies } from './workload.js';
import { benchIngestion } from './ingest-bench.js';
import { benchCapacity } from './capacity/main.js';
import { benchScale } from './scale/main.js';
import { benchSoak } from './soak/main.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function main(): Promise<void> {
  const paths = benchPaths();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
  const sections: string[] = [
    `# Performance\n\nMeasured by \`npm run bench\` on ${machine}, ${new Date().toISOString().slice(0, 10)}.\nWorkload: the 3,000 query paths of \`../shared/bench/queries.txt\`, cycled.\n`,
  ];

  console.log('engine: indexing the seed and timing the query mix…');
  const movies = loadMovies();
  const index = CatalogueIndex.build('bench', movies);
  const engineRuns = Array.from({ length: ROUNDS }, () => benchEngine(index, paths));
  const e = {
    p50: median(engineRuns.map((r) => r.p50Us)),
    p99: median(engineRuns.map((r) => r.p99Us)),
    s50: median(engineRuns.map((r) => r.scanP50Us)),
    s99: median(engineRuns.map((r) => r.scanP99Us)),
  };
  sections.push(
    `## Engine against a full scan (in process, per query, median of ${ROUNDS} rounds)\n\n` +
      table(
        ['plan', 'p50 µs', 'p99 µs'],
        [
          ['cinedex engine', fmt(e.p50, 2), fmt(e.p99, 2)],
          ['naive full scan', fmt(e.s50, 0), fmt(e.s99, 0)],
          ['speed-up (scan ÷ engine)', `${fmt(e.s50 / e.p50, 0)}×`, `${fmt(e.s99 / e.p99, 0)}×`],
        ],
      ) +
      `\n\nTarget: p99 under 20 µs.\n`,
  );
  console.log(sections[sections.length - 1]);

  console.log('search: q, facets, the relevance set against MiniSearch and Orama…');
  sections.push(await benchSearch(index, movies, paths, 5));
  console.log(sections[sections.length - 1]);
  sections.push(await benchRelevance());
  console.log(sections[sections.length - 1]);
  // A million movies take a minute and a few GiB to generate and index: asked for, not by default.
  if (process.env.BENCH_ENGINE_LARGE) {
    sections.push(await benchSearchLarge(process.env.BENCH_ENGINE_LARGE, paths));
    console.log(sections[sections.length - 1]);
  }

  console.log('http: cinedex (one process, pinned to one core) against a raw node:http fixed body…');
  sections.push(await benchHttp(paths, ROUNDS, SECONDS));
  console.log(sections[sections.length - 1]);

  if (process.env.BENCH_SKIP_INGEST !== '1') {
    sections.push(await benchIngestion());
    console.log(sections[sections.length - 1]);
  }

  // Every size in its own cinedex processes; BENCH_SCALE_SIZES picks the sizes (scale/settings.ts).
  if (process.env.BENCH_SKIP_SCALE !== '1') {
    sections.push(await benchScale());
    console.log(sections[sections.length - 1]);
  }

  // The short run (a minute of swapping); SOAK_MINUTES=10 is the long one, for memory.
  if (process.env.BENCH_SKIP_SOAK !== '1') {
    sections.push(await benchSoak());
    console.log(sections[sections.length - 1]);
  }

  if (process.env.BENCH_SKIP_CAPACITY !== '1') sections.push(await benchCapacity());

  mkdirSync('docs', { recursive: true });
  writeFileSync('docs/performance.md', sections.join('\n') + keptAnalysis('docs/performance.md'));
  console.log('wrote docs/performance.md');
}

/** The hand-written reading of the numbers, from the marker to the end, survives a new run. */
function keptAnalysis(file: string): string {
  const marker = '<!-- analysis: written by hand, kept by npm run bench -->';
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.indexOf(marker);
  return at === -1 ? `\n${marker}\n` : `\n${old.slice(at)}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
