import { resolve } from 'node:path';
import { ConfigError } from '../errors/errors.js';
import {
  EVERY_COMMAND,
  INGEST,
  INGESTING,
  SEEDING,
  SERVE,
  type Config,
  type ConfigSetting,
  type ConfiguredCommand,
} from './config-shape.js';
import { S3_SETTINGS } from './s3-settings.js';
import { BUNDLED_SEED_PATH, DEFAULT_SEED_URL, UPSTREAM_SEED } from './seed-source.js';
import { readSettings, serverSettings, settingsMarkdownTable } from './settings.js';
import type { SettingInput } from './settings.js';
import { usableCores } from './usable-cores.js';

const DEV_CURSOR_SECRET = 'cinedex-development-cursor-secret';

export { CONFIGURED_COMMANDS, type Config, type ConfigSetting, type ConfiguredCommand } from './config-shape.js';
export const CONFIG_SETTINGS: readonly ConfigSetting[] = [
  // Every command logs; only serve listens.
  ...serverSettings<Config>(
    '',
    8080,
    'pino log level (JSON lines on stdout); `info` logs one line per request, `warn` leaves those out (more throughput, see docs/investigations/cached-answer.md)',
  ).map((setting) => ({ ...setting, commands: setting.key === 'logLevel' ? EVERY_COMMAND : SERVE })),
  {
    key: 'seed',
    commands: SEEDING,
    env: 'MOVIES_SEED',
    flag: '--seed',
    kind: 'string',
    default: BUNDLED_SEED_PATH,
    defaultText: 'the bundled copy, assets/seed/movies.json.gz in the package',
    description:
      'path or http(s) URL of the seed JSON, plain or gzipped; `upstream` downloads the pinned upstream movies.json (with a progress bar); downloads are cached under the data directory',
  },
  {
    key: 'seedSha256',
    commands: SEEDING,
    env: 'MOVIES_SEED_SHA256',
    flag: '--seed-sha256',
    kind: 'string',
    defaultText: 'pinned for the bundled copy and `upstream`',
    description: 'expected sha256 of the seed JSON, of its decompressed bytes when gzipped (checked when set, and always when pinned)',
  },
  {
    key: 'dataDir',
    commands: EVERY_COMMAND,
    env: 'MOVIES_DATA_DIR',
    flag: '--data-dir',
    kind: 'path',
    default: () => resolve('./data'),
    defaultText: './data',
    description: 'local data directory: download cache and the default folder store',
  },
  {
    key: 'store',
    commands: EVERY_COMMAND,
    env: 'MOVIES_STORE',
    flag: '--store',
    kind: 'string',
    default: (c) => resolve(c.dataDir as string, 'store'),
    defaultText: '$MOVIES_DATA_DIR/store',
    description: 'where snapshots live: a folder, or s3://bucket/prefix',
  },
  {
    key: 'inbox',
    commands: INGESTING,
    env: 'MOVIES_INBOX',
    flag: '--inbox',
    kind: 'string',
    default: (c) => defaultInbox(c.store as string),
    defaultText: 'inbox/ under the store',
    description: 'where providers write update files: a folder, or s3://bucket/prefix',
  },
  {
    key: 'synonymsKey',
    commands: INGESTING,
    env: 'MOVIES_SYNONYMS_KEY',
    flag: '--synonyms-key',
    kind: 'string',
    default: 'config/synonyms.json',
    description:
      "key of the operator's synonyms file in the store (docs/api.md, Synonyms): a run that finds it changed validates it and publishes it with the data",
  },
  {
    key: 'inboxQueue',
    commands: INGESTING,
    env: 'MOVIES_INBOX_QUEUE',
    flag: '--inbox-queue',
    kind: 'string',
    defaultText: 'none: the inbox is listed every ingest interval',
    description:
      "SQS queue URL fed by the inbox bucket's ObjectCreated notifications: `cinedex serve` and `cinedex ingest --watch` then start a run within a second of an upload, reading just the notified objects (needs an s3:// inbox)",
  },
  {
    key: 'watch',
    commands: INGEST,
    env: 'MOVIES_INGEST_WATCH',
    flag: '--watch',
    kind: 'boolean',
    default: false,
    description: 'keep running: consume MOVIES_INBOX_QUEUE if set, and list the inbox every MOVIES_INGEST_INTERVAL',
  },
  {
    key: 'compact',
    commands: INGEST,
    env: 'MOVIES_INGEST_COMPACT',
    flag: '--compact',
    kind: 'boolean',
    default: false,
    description:
      'after the run, merge the base and every delta into a new base whatever the merge policy says (docs/versions.md); not with --watch',
  },
  {
    key: 'ingestMetricsPort',
    commands: INGEST,
    env: 'MOVIES_INGEST_METRICS_PORT',
    flag: '--metrics-port',
    kind: 'integer',
    min: 0,
    max: 65535,
    defaultText: 'none (no HTTP server)',
    description: "with --watch, serve ingestion's /metrics (Prometheus) and /healthz on this port",
  },
  {
    key: 'refreshIntervalSeconds',
    commands: SERVE,
    env: 'MOVIES_REFRESH_INTERVAL',
    flag: '--refresh-interval',
    kind: 'seconds',
    default: 10,
    description: 'seconds between checks for a new snapshot (0 = off); also the Cache-Control max-age',
  },
  {
    key: 'ingestIntervalSeconds',
    commands: INGESTING,
    env: 'MOVIES_INGEST_INTERVAL',
    flag: '--ingest-interval',
    kind: 'seconds',
    default: (c) => (c.inboxQueue ? 3600 : 60),
    defaultText: '60; 3600 with MOVIES_INBOX_QUEUE',
    description:
      'seconds between listings of the inbox by `cinedex serve` and `cinedex ingest --watch` (0 = off, e.g. when a CronJob ingests); with a queue, the reconciliation that finds what a notification missed',
  },
  {
    key: 'maxUpdateBytes',
    commands: INGESTING,
    env: 'MOVIES_MAX_UPDATE_BYTES',
    flag: '--max-update-bytes',
    kind: 'bytes',
    min: 1,
    default: 64 * 2 ** 20,
    description: 'larger inbox objects are rejected whole',
  },
  {
    key: 'runBytes',
    commands: INGESTING,
    env: 'MOVIES_INGEST_RUN_BYTES',
    flag: '--ingest-run-bytes',
    kind: 'bytes',
    min: 1,
    default: 64 * 2 ** 20,
    description:
      'inbox bytes a run reads and publishes as one version; a larger backlog is applied in batches of this size, a version each, so a run holds one batch of records in memory',
  },
  {
    key: 'keepVersions',
    commands: INGESTING,
    env: 'MOVIES_KEEP_VERSIONS',
    flag: '--keep-versions',
    kind: 'integer',
    min: 1,
    default: 3,
    description: 'catalogue versions the store keeps for rolling back, the current one included; older ones are deleted',
  },
  {
    key: 'gcGraceSeconds',
    commands: INGESTING,
    env: 'MOVIES_GC_GRACE',
    flag: '--gc-grace',
    kind: 'seconds',
    default: 300,
    description:
      'how long a superseded version and an unreferenced object outlive their use before deletion (a replica may still be loading them)',
  },
  {
    key: 'responseCacheBytes',
    commands: SERVE,
    env: 'MOVIES_RESPONSE_CACHE_BYTES',
    flag: '--response-cache-bytes',
    kind: 'bytes',
    min: 0,
    default: 64 * 2 ** 20,
    description: 'finished GET /v1/movies answers kept per serving process for repeated queries (0 = off)',
  },
  {
    key: 'recompressionMs',
    commands: SERVE,
    env: 'MOVIES_RECOMPRESSION_MS',
    flag: '--recompression-ms',
    kind: 'integer',
    min: 0,
    max: 1000,
    default: 100,
    description:
      'milliseconds per second a serving process may spend recompressing answers asked for again at the best level, off the request path (0 = off)',
  },
  {
    key: 'warmQueries',
    commands: SERVE,
    env: 'MOVIES_WARM_QUERIES',
    flag: '--warm-queries',
    kind: 'integer',
    min: 0,
    max: 100_000,
    default: 300,
    description: 'most recently used queries replayed against a new data version before it serves, so its cache starts warm (0 = off)',
  },
  {
    key: 'warmDeadlineSeconds',
    commands: SERVE,
    env: 'MOVIES_WARM_DEADLINE',
    flag: '--warm-deadline',
    kind: 'seconds',
    default: 5,
    description: 'longest a new version waits for warming; it then serves with what was warmed',
  },
  {
    key: 'workers',
    commands: SERVE,
    env: 'MOVIES_WORKERS',
    flag: '--workers',
    kind: 'integer',
    min: 1,
    max: 256,
    default: () => usableCores(),
    defaultText: 'usable cores (the container CPU limit, if lower)',
    description: 'serving processes (node:cluster); 1 = no cluster',
  },
  {
    key: 'drainSeconds',
    commands: SERVE,
    env: 'MOVIES_DRAIN_SECONDS',
    flag: '--drain-seconds',
    kind: 'seconds',
    default: 5,
    description:
      'after SIGTERM, seconds to keep serving with /readyz at 503 before closing (a second SIGTERM or SIGINT ends them; a third exits at once)',
  },
  {
    key: 'apiKeysFile',
    commands: SERVE,
    env: 'MOVIES_API_KEYS',
    flag: '--api-keys',
    kind: 'path',
    defaultText: 'none',
    description: 'JSON file mapping API key to client name (header X-Api-Key)',
  },
  {
    key: 'requireApiKey',
    commands: SERVE,
    env: 'MOVIES_REQUIRE_API_KEY',
    flag: '--require-api-key',
    kind: 'boolean',
    default: false,
    description: 'answer 401 to requests without a valid API key',
  },
  {
    key: 'corsOrigins',
    commands: SERVE,
    env: 'MOVIES_CORS_ORIGINS',
    flag: '--cors-origins',
    kind: 'origins',
    default: '*',
    defaultText: '`*` (any origin)',
    description:
      'web origins whose scripts may read the /v1 answers and /openapi.json (CORS): `*` (any; the data is public and keys are never cookies), a comma-separated list of origins, or `none`',
  },
  {
    key: 'rateLimit',
    commands: SERVE,
    env: 'MOVIES_RATE_LIMIT',
    flag: '--rate-limit',
    kind: 'rate',
    default: 0,
    defaultText: '0 (off)',
    description: 'requests per second per client (token bucket)',
  },
  {
    key: 'rateBurst',
    commands: SERVE,
    env: 'MOVIES_RATE_BURST',
    flag: '--rate-burst',
    kind: 'integer',
    min: 1,
    default: (c) => Math.max(1, Math.ceil(2 * (c.rateLimit as number))),
    defaultText: '2 × rate limit, at least 1',
    description: 'token bucket size per client (requests a client may send at once after a quiet spell)',
  },
  {
    key: 'tlsCert',
    commands: SERVE,
    env: 'TLS_CERT',
    flag: '--tls-cert',
    kind: 'path',
    defaultText: 'none',
    description: 'PEM certificate: serve HTTPS when set with TLS_KEY',
  },
  { key: 'tlsKey', commands: SERVE, env: 'TLS_KEY', flag: '--tls-key', kind: 'path', defaultText: 'none', description: 'PEM private key' },
  ...S3_SETTINGS,
  {
    key: 'cursorSecret',
    commands: SERVE,
    env: 'MOVIES_CURSOR_SECRET',
    flag: '--cursor-secret',
    kind: 'string',
    default: DEV_CURSOR_SECRET,
    defaultText: 'a development constant',
    description: 'HMAC key for page cursors; set the same secret on every replica in production',
  },
];

export type ConfigInput = SettingInput<Config>;

/**
 * Reads configuration from the environment, with CLI flags (`overrides`) winning. Every value is
 * checked here, so a bad setting stops the process at start with a message naming it.
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigInput = {}): Config {
  const config = readSettings(CONFIG_SETTINGS, env, overrides) as Config;
  if (config.seed === UPSTREAM_SEED) config.seed = DEFAULT_SEED_URL;
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new ConfigError('TLS_CERT and TLS_KEY must be set together (both PEM file paths), or neither');
  }
  if (config.inboxQueue !== undefined && !config.inbox.startsWith('s3://')) {
    throw new ConfigError(`MOVIES_INBOX_QUEUE needs an S3 inbox (MOVIES_INBOX=s3://bucket/prefix), not the folder ${config.inbox}`);
  }
  if (config.compact && config.watch) {
    throw new ConfigError(
      '--compact (MOVIES_INGEST_COMPACT) asks one run for a compaction and cannot be combined with --watch (MOVIES_INGEST_WATCH): ' +
        'a watching consumer merges by the merge policy; run `cinedex ingest --compact` on its own',
    );
  }
  if (config.requireApiKey && config.apiKeysFile === undefined) {
    throw new ConfigError('MOVIES_REQUIRE_API_KEY=true needs MOVIES_API_KEYS, the path of the API key file');
  }
  return config;
}

function defaultInbox(store: string): string {
  if (store.startsWith('s3://')) return `${store.replace(/\/+$/, '')}/inbox/`;
  return resolve(store, 'inbox');
}

/** The settings `command` reads, in list order (a default may depend on one listed before it). */
export function settingsOf(command: ConfiguredCommand): ConfigSetting[] {
  return CONFIG_SETTINGS.filter((setting) => setting.commands.includes(command));
}

/** docs/configuration.md's table of the serve, seed and ingest settings (between its config-table markers). */
export function configMarkdownTable(): string {
  return settingsMarkdownTable(CONFIG_SETTINGS);
}
