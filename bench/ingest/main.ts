/**
 * The ingestion scenario (`npm run bench:ingest`, or a section of `npm run bench`): one `cinedex ingest`
 * process on a folder store seeded with the seed catalogue, N update records waiting in the inbox
 * (lib/update-mix.ts), for several N. Measured from outside the process, like the scale table: wall
 * time from spawn to exit, CPU time, peak RSS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedPath } from '../../test/support/paths.js';
import { catalogueView } from '../lib/generate-catalogue.js';
import { fmt, table } from '../lib/markdown.js';
import { runCommand, type CommandRun } from '../lib/run-command.js';
import { runIfMain } from '../lib/script.js';
import { MIX_IN_WORDS, updateFiles } from '../lib/update-mix.js';
import { INGEST_SIZES } from '../settings.js';

async function ingestRun(records: number): Promise<CommandRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-ingest-bench-'));
  try {
    const env = {
      MOVIES_SEED: seedPath,
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

export async function benchIngestion(sizes: readonly number[] = INGEST_SIZES.read()): Promise<string> {
  console.log('ingestion: one cinedex ingest process per size…');
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

runIfMain(import.meta.url, () => benchIngestion());
