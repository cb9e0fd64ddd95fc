/**
 * `npm run bench`: measures side by side in one run and writes docs/performance.md.
 * The machine is noisy, so each comparison is repeated and medians and ratios are reported.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { CatalogueIndex } from '../src/engine/catalogue-index.js';
import { benchEngine } from './engine-bench.js';
import { measure, startCinedex, startRaw } from './http-bench.js';
import { fmt, median, table } from './stats.js';
import { benchPaths, loadMovies } from './workload.js';
import { benchIngestion, type IngestionSection } from './ingest-bench.js';
import { benchCapacity } from './capacity.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function main(): Promise<void> {
  const paths = benchPaths();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
  const sections: string[] = [`# Performance\n\nMeasured by \`npm run bench\` on ${machine}, ${new Date().toISOString().slice(0, 10)}.\nWorkload: the 3,000 query paths of \`../shared/bench/queries.txt\`, cycled.\n`];

  console.log('engine: indexing the seed and timing the query mix…');
  const index = CatalogueIndex.build('bench', loadMovies());
  const engineRuns = Array.from({ length: ROUNDS }, () => benchEngine(index, paths));
  const e = {
    p50: median(engineRuns.map((r) => r.p50Us)),
    p99: median(engineRuns.map((r) => r.p99Us)),
    s50: median(engineRuns.map((r) => r.scanP50Us)),
    s99: median(engineRuns.map((r) => r.scanP99Us)),
  };
  sections.push(
    `## Engine (in process, per query, median of ${ROUNDS} rounds)\n\n` +
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

  console.log('http: cinedex (one process, pinned to one core) against a raw node:http fixed body…');
  const cinedex = await startCinedex();
  const body = Buffer.from(await (await fetch(`${cinedex.base}/v1/movies?limit=20`)).arrayBuffer());
  const raw = await startRaw(body);
  const rows: { name: string; rps: number; p50: number; p99: number; non2xx: number }[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const a = await measure('cinedex', cinedex.base, paths, SECONDS);
    const b = await measure('raw node:http', raw.base, ['/'], SECONDS);
    rows.push(
      [a, b].map((r) => ({ name: r.name, rps: r.throughput.requestsPerSecond, p50: r.latency4.p50Us, p99: r.latency4.p99Us, non2xx: r.throughput.non2xx + r.latency4.failures })),
    );
  }
  await cinedex.child.stop();
  await raw.child.stop();
  const pick = (i: number, key: 'rps' | 'p50' | 'p99') => median(rows.map((r) => (r[i] as (typeof r)[number])[key]));
  const ratios = rows.map((r) => (r[0] as { rps: number }).rps / (r[1] as { rps: number }).rps);
  sections.push(
    `## HTTP (server pinned to one core, load from the other; median of ${ROUNDS} rounds of ${SECONDS} s)\n\n` +
      table(
        ['server', 'req/s (16 conns)', 'p50 µs (4 conns)', 'p99 µs (4 conns)', 'non-2xx'],
        [0, 1].map((i) => [
          (rows[0]?.[i] as { name: string }).name,
          fmt(pick(i, 'rps'), 0),
          fmt(pick(i, 'p50'), 0),
          fmt(pick(i, 'p99'), 0),
          String(rows.reduce((n, r) => n + (r[i] as { non2xx: number }).non2xx, 0)),
        ]),
      ) +
      `\n\nThroughput ratio cinedex ÷ raw ceiling: median ${fmt(median(ratios), 2)} (rounds: ${ratios.map((r) => fmt(r, 2)).join(', ')}). ` +
      `Target: 0.8 or better; p99 under 1 ms at 4 connections.\nLatency is measured client-side (includes the Node client's own time) with hrtime per request; ` +
      `throughput by autocannon. The raw server answers one fixed 20-movie body (${body.length} bytes); cinedex answers the real query mix.\n`,
  );
  console.log(sections[sections.length - 1]);

  if (process.env.BENCH_SKIP_INGEST !== '1') {
    const ingestion: IngestionSection = await benchIngestion();
    sections.push(ingestion.markdown);
    console.log(ingestion.markdown);
  }

  if (process.env.BENCH_SKIP_CAPACITY !== '1') sections.push(await benchCapacity());

  mkdirSync('docs', { recursive: true });
  writeFileSync('docs/performance.md', sections.join('\n'));
  console.log('wrote docs/performance.md');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
