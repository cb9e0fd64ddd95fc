/**
 * The ingestion section of docs/performance.md: one `cinedex ingest` process on a folder store seeded
 * with the seed catalogue, N update records waiting in the inbox (scale/update-mix.ts), for several N.
 * Measured from outside the process, like the scale table: wall time from spawn to exit, peak RSS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type CommandRun } from './scale/cinedex-processes.js';
import { catalogueView } from './scale/generate-catalogue.js';
import { MIX_IN_WORDS, updateFiles } from './scale/update-mix.js';
import { fmt, table } from './stats.js';
import { seedFile } from './workload.js';

async function ingestRun(records: number): Promise<CommandRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-ingest-bench-'));
  try {
    const env = {
      MOVIES_SEED: seedFile,
      MOVIES_STORE: join(dir, 'store'),
      MOVIES_INBOX: join(dir, 'inbox'),
      MOVIES_DATA_DIR: dir,
      LOG_LEVEL: 'warn',
    };
    await runCommand('seed', env);
    mkdirSync(join(dir, 'inbox', 'bench'), { recursive: true });
    updateFiles(catalogueView('seed'), records).forEach((text, part) =>
      writeFileSync(join(dir, 'inbox', 'bench', `part-${part}.json`), text),
    );
    return await runCommand('ingest', env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchIngestion(): Promise<string> {
  console.log('ingestion: one cinedex ingest process per size…');
  const sizes = (process.env.BENCH_INGEST_SIZES ?? '1000,100000,1000000').split(',').map(Number);
  const rows: string[][] = [];
  for (const records of sizes) {
    console.log(`  ${records.toLocaleString('en')} update records…`);
    const run = await ingestRun(records);
    rows.push([
      records.toLocaleString('en'),
      fmt(run.seconds, 2),
      fmt(run.cpuSeconds, 2),
      fmt(records / run.seconds, 0),
      fmt(run.peakRssBytes / 2 ** 20, 0),
    ]);
  }
  return (
    `## Ingestion (one \`cinedex ingest\` process on a folder store: the seed catalogue + N update records)\n\n` +
    table(['update records', 'run seconds', 'CPU seconds', 'records/s', 'peak RSS MiB'], rows) +
    `\n\nThe run is one process from spawn to exit (CPU seconds: all its threads): reading the seed snapshot, merging, writing the new snapshot (with ` +
    `ledger and audit) and the pointer. Update files of up to 100,000 records: ${MIX_IN_WORDS}. The snapshot load, ` +
    `memory and query latency at each catalogue size are in the scale table.\n`
  );
}
