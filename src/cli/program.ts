import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, settingsOf, type Config, type ConfiguredCommand } from '../config/config.js';
import { EDGE_SETTINGS, loadEdgeConfig } from '../config/edge-config.js';
import { defaultText, type Setting, type SettingInput } from '../config/settings.js';
import { MAX_FACET_LIMIT } from '../engine/limits.js';
import { FACETS, SORT_ORDERS, type FacetName } from '../engine/search-request.js';
import { DEFAULT_FACET_LIMIT, MAX_LIMIT } from '../query/parse-query.js';
import type { SearchOptions } from './commands/search.js';

/** Each setting the command reads is also one of its flags; the help states its variable and default. */
function withSettings<C>(command: Command, settings: readonly Setting<C>[]): Command {
  for (const s of settings) {
    const flag = s.kind === 'boolean' ? `${s.flag} [bool]` : `${s.flag} <value>`;
    command.addOption(new Option(flag, `${s.description} (env ${s.env}, default ${defaultText(s)})`));
  }
  return command;
}

/** The flags given, keyed by setting; the loaders merge them over the environment and check them. */
function overridesFrom<C>(settings: readonly Setting<C>[], flags: Record<string, unknown>): SettingInput<C> {
  const overrides: SettingInput<C> = {};
  for (const s of settings) {
    const name = s.flag.slice(2).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const value = flags[name];
    if (value !== undefined) overrides[s.key] = value === true ? 'true' : (value as string);
  }
  return overrides;
}

/** The commands that share serve's configuration, each loading its module only when it runs. */
const CONFIGURED_COMMANDS: readonly {
  name: ConfiguredCommand;
  description: string;
  run: () => Promise<(config: Config) => Promise<void>>;
}[] = [
  {
    name: 'serve',
    description: 'serve the API (seeds an empty store first)',
    run: async () => (await import('./commands/serve.js')).runServe,
  },
  {
    name: 'seed',
    description: 'write the first snapshot from MOVIES_SEED if the store is empty',
    run: async () => (await import('./commands/seed.js')).runSeed,
  },
  {
    name: 'ingest',
    description: 'one ingestion run: apply new inbox objects, publish a snapshot',
    run: async () => (await import('./commands/ingest.js')).runIngest,
  },
];

/** The typed client sends numbers; the server still judges the range (and says so). */
function wholeNumber(value: string): number {
  if (!/^-?[0-9]{1,9}$/.test(value)) throw new InvalidArgumentError('it must be a whole number, such as 1996.');
  return Number(value);
}

/** `--facets genre,year`, repeatable; the names are checked here so a typo is not a round trip to the server. */
function facetList(value: string, previous: readonly FacetName[]): FacetName[] {
  const names = [...previous];
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!(FACETS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`the facets are ${FACETS.join(', ')}; "${name}" is not one of them.`);
    }
    if (!names.includes(name as FacetName)) names.push(name as FacetName);
  }
  return names;
}

const SEARCH_HELP = `
Table output ends with the number of movies shown; --count adds the number of matches
and --facets a line per facet (value and count). With --json the output is the array of
movies, or, with --count or --facets, the page object: {items, has_more, next_cursor,
total, facets} (with --all, every page's items and the first page's total and facets).

Examples:
  cinedex search matirx
  cinedex search "star wars" --sort year:asc --count
  cinedex search --genre Western --from 1950 --to 1959 --facets decade,cast`;

/**
 * The `cinedex` command. Each subcommand's module is imported only when it runs, so `cinedex search`
 * does not load the server and `cinedex serve` does not load the edge. Made at each run, not when this
 * module loads: a startup snapshot holds this module loaded (src/cli/snapshot-entry.ts), and the flags'
 * defaults read the environment (CINEDEX_URL), which is the running process's.
 */
function cinedexProgram(): Command {
  const program = new Command('cinedex').description('The movie catalogue API: serve, seed, ingest, search, edge.').showHelpAfterError();
  for (const command of CONFIGURED_COMMANDS) {
    const settings = settingsOf(command.name);
    withSettings(program.command(command.name).description(command.description), settings).action(
      async (flags: Record<string, unknown>) => {
        // The flags are the command's own; the environment is read in full, the same for every command.
        const config = loadConfig(process.env, overridesFrom(settings, flags));
        await (
          await command.run()
        )(config);
      },
    );
  }

  withSettings(program.command('edge').description('a caching relay in front of a cinedex server (--origin)'), EDGE_SETTINGS).action(
    async (flags: Record<string, unknown>) => {
      const { runEdge } = await import('./commands/edge.js');
      await runEdge(loadEdgeConfig(process.env, overridesFrom(EDGE_SETTINGS, flags)));
    },
  );

  program
    .command('search')
    .description('search a running cinedex server')
    .argument('[q]', 'free text in titles and cast names; typo-tolerant, the last word may be unfinished')
    .option('--title <text>', 'title substring')
    .option('--year <year>', 'exact year', wholeNumber)
    .option('--from <year>', 'earliest year (inclusive)', wholeNumber)
    .option('--to <year>', 'latest year (inclusive)', wholeNumber)
    .option('--cast <name>', 'cast member (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--genre <genre>', 'genre (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .addOption(
      new Option('--sort <order>', 'order of the movies (default: relevance with q, else year:desc; relevance needs q)').choices(
        SORT_ORDERS,
      ),
    )
    .option(`--facets <list>`, `count matches by value: comma-separated, of ${FACETS.join(', ')}`, facetList, [] as FacetName[])
    .option('--facet-limit <n>', `values per facet (1-${MAX_FACET_LIMIT}, default ${DEFAULT_FACET_LIMIT})`, wholeNumber)
    .option('--count', 'print the number of matches', false)
    .option('--limit <n>', `page size (1-${MAX_LIMIT})`, wholeNumber)
    .option('--all', 'follow every page', false)
    .option('--json', 'print JSON (see below)', false)
    .option('--url <url>', 'server URL (env CINEDEX_URL)', process.env.CINEDEX_URL ?? 'http://127.0.0.1:8080')
    .addHelpText('after', SEARCH_HELP)
    .action(async (q: string | undefined, o: Omit<SearchOptions, 'q'>) => {
      const { runSearch } = await import('./commands/search.js');
      await runSearch({ ...o, ...(q === undefined ? {} : { q }) });
    });
  return program;
}

/** Runs the command `argv` names (`process.argv`'s shape: node, the script, then the command and its flags). */
export function runCli(argv: readonly string[]): void {
  cinedexProgram()
    .parseAsync(argv)
    .catch((error: unknown) => {
      const e = error as Error & { code?: string };
      // Known failures are one line a person can act on; anything else keeps its stack for a bug report.
      const known = typeof e.code === 'string' || e.name === 'StoreError';
      process.stderr.write(`cinedex: ${known || process.env.LOG_LEVEL !== 'debug' ? e.message : e.stack}\n`);
      process.exit(1);
    });
}
