#!/usr/bin/env node
import { Command, Option } from 'commander';
import { CONFIG_SETTINGS, loadConfig, type Config, type ConfigInput, type Setting } from '../config/config.js';
import { EDGE_SETTINGS, loadEdgeConfig, type EdgeConfigInput } from '../config/edge-config.js';
import { formatTable } from './format-table.js';
import { searchServer } from './search-client.js';

const program = new Command('cinedex').description('The movie catalogue API: serve, seed, ingest, search, edge.').showHelpAfterError();

/** serve, seed and ingest share every configuration setting as a flag; edge has its own. */
function withSettings(command: Command, settings: readonly Setting<string>[] = CONFIG_SETTINGS): Command {
  for (const s of settings) {
    const flag = s.kind === 'boolean' ? `${s.flag} [bool]` : `${s.flag} <value>`;
    command.addOption(new Option(flag, `${s.description} (env ${s.env}, default ${s.defaultText})`));
  }
  return command;
}

/** The flags given, keyed by setting; the loaders merge them over the environment and check them. */
function overridesFrom(settings: readonly Setting<string>[], flags: Record<string, unknown>): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const s of settings) {
    const name = s.flag.slice(2).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const value = flags[name];
    if (value !== undefined) overrides[s.key] = value === true ? 'true' : (value as string);
  }
  return overrides;
}

function configFrom(flags: Record<string, unknown>): Config {
  return loadConfig(process.env, overridesFrom(CONFIG_SETTINGS, flags) as ConfigInput);
}

withSettings(program.command('serve').description('serve the API (seeds an empty store first)')).action(async (flags: Record<string, unknown>) => {
  const config = configFrom(flags);
  const { runServe } = await import('../serve/run-serve.js');
  await runServe(config);
});

withSettings(program.command('seed').description('write the first snapshot from MOVIES_SEED if the store is empty')).action(async (flags: Record<string, unknown>) => {
  const config = configFrom(flags);
  const { runSeed } = await import('../ingest/run-seed.js');
  await runSeed(config);
});

withSettings(program.command('ingest').description('one ingestion run: apply new inbox objects, publish a snapshot')).action(async (flags: Record<string, unknown>) => {
  const config = configFrom(flags);
  const { runIngest } = await import('../ingest/run-ingest.js');
  await runIngest(config);
});

withSettings(program.command('edge').description('a caching relay in front of a cinedex server (--origin)'), EDGE_SETTINGS).action(async (flags: Record<string, unknown>) => {
  const config = loadEdgeConfig(process.env, overridesFrom(EDGE_SETTINGS, flags) as EdgeConfigInput);
  const { runEdge } = await import('../edge/run-edge.js');
  await runEdge(config);
});

program
  .command('search')
  .description('search a running cinedex server')
  .option('--title <text>', 'title substring')
  .option('--year <year>', 'exact year')
  .option('--cast <name>', 'cast member (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--genre <genre>', 'genre (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--limit <n>', 'page size (1-100)')
  .option('--all', 'follow every page', false)
  .option('--json', 'print the movies as JSON', false)
  .option('--url <url>', 'server URL (env CINEDEX_URL)', process.env.CINEDEX_URL ?? 'http://127.0.0.1:8080')
  .action(async (o: { title?: string; year?: string; cast: string[]; genre: string[]; limit?: string; all: boolean; json: boolean; url: string }) => {
    const rows = await searchServer(o);
    process.stdout.write(o.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatTable(rows, process.stdout.columns ?? 120)}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const e = error as Error & { code?: string };
  // Known failures are one line a person can act on; anything else keeps its stack for a bug report.
  const known = typeof e.code === 'string' || e.name === 'StoreError';
  process.stderr.write(`cinedex: ${known || process.env.LOG_LEVEL !== 'debug' ? e.message : e.stack}\n`);
  process.exit(1);
});
