import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, table } from './stats.js';

const scenario = join(resolve(fileURLToPath(new URL('.', import.meta.url))), 'ingest-scenario.js');

export interface IngestionSection {
  readonly markdown: string;
}

function run(kind: string, arg: string): Record<string, number> {
  console.log(`  ${kind} ${arg}…`);
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=16384', scenario, kind, arg], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>;
}

export async function benchIngestion(): Promise<IngestionSection> {
  console.log('ingestion and snapshot loading, each scenario in its own process:');
  const sizes = (process.env.BENCH_INGEST_SIZES ?? '1000,100000,1000000').split(',');
  const ingest = sizes.map((n) => ({ n, r: run('ingest', n) }));
  const loads = (process.env.BENCH_LOAD_SIZES ?? 'seed,2023,1000000').split(',').map((w) => ({ w, r: run('load', w) }));
  const markdown =
    `## Ingestion (one run on a folder store, seed catalogue + N update records)\n\n` +
    table(
      ['update records', 'run seconds', 'records/s', 'peak RSS MiB'],
      ingest.map(({ n, r }) => [
        Number(n).toLocaleString('en'),
        fmt(r.seconds as number, 2),
        fmt(r.recordsPerSecond as number, 0),
        fmt(r.peakRssMiB as number, 0),
      ]),
    ) +
    `\n\nThe run includes reading the seed snapshot, merging, writing the new snapshot (with ledger and audit) and the pointer.\n\n` +
    `## Snapshot load and index, and query latency at each size\n\n` +
    table(
      ['catalogue', 'movies', 'load + index s', 'RSS MiB after', 'peak RSS MiB', 'query p50 µs', 'query p99 µs'],
      loads.map(({ w, r }) => [
        w === 'seed' ? 'seed (movies.json)' : w === '2023' ? '2023 set' : `synthetic ${Number(w).toLocaleString('en')}`,
        Number(r.movies).toLocaleString('en'),
        fmt(r.loadSeconds as number, 2),
        fmt(r.rssMiB as number, 0),
        fmt(r.peakRssMiB as number, 0),
        fmt(r.queryP50Us as number, 2),
        fmt(r.queryP99Us as number, 2),
      ]),
    ) +
    `\n`;
  return { markdown };
}
