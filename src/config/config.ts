import { resolve } from 'node:path';
import { usableCores } from './usable-cores.js';

export const DEFAULT_SEED_URL =
  'https://raw.githubusercontent.com/prust/wikipedia-movie-data/641260773db3034d2626ad6fa23fe60c4f0fba08/movies.json';
export const DEFAULT_SEED_SHA256 = 'f64b1974b0f3e65c54759beeee73c20cea50047d2a754595bace00a1332e6e9c';
const DEV_CURSOR_SECRET = 'cinedex-development-cursor-secret';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  logLevel: LogLevel;
  seed: string;
  seedSha256?: string;
  dataDir: string;
  store: string;
  inbox: string;
  refreshIntervalSeconds: number;
  ingestIntervalSeconds: number;
  maxUpdateBytes: number;
  responseCacheBytes: number;
  workers: number;
  drainSeconds: number;
  apiKeysFile?: string;
  requireApiKey: boolean;
  rateLimit: number;
  rateBurst: number;
  tlsCert?: string;
  tlsKey?: string;
  s3Endpoint?: string;
  s3Region?: string;
  s3Sse?: 'AES256' | 'aws:kms';
  s3KmsKeyId?: string;
  cursorSecret: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Kind = 'integer' | 'seconds' | 'string' | 'boolean' | 'path';

/**
 * One setting: its environment variable, its CLI flag, and how to read it. The README tables are
 * generated from these lists. `K` names the configuration it belongs to (`serve`'s, or the edge's).
 */
export interface Setting<K extends string = keyof Config> {
  readonly key: K;
  readonly env: string;
  readonly flag: string;
  readonly kind: Kind;
  readonly defaultText: string;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
}

export const CONFIG_SETTINGS: readonly Setting[] = [
  { key: 'port', env: 'PORT', flag: '--port', kind: 'integer', min: 0, max: 65535, defaultText: '8080', description: 'HTTP port' },
  { key: 'host', env: 'HOST', flag: '--host', kind: 'string', defaultText: '0.0.0.0', description: 'address to listen on' },
  { key: 'logLevel', env: 'LOG_LEVEL', flag: '--log-level', kind: 'string', choices: LOG_LEVELS, defaultText: 'info', description: 'pino log level (JSON lines on stdout); `info` logs one line per request, `warn` leaves those out (more throughput, see docs/performance.md)' },
  { key: 'seed', env: 'MOVIES_SEED', flag: '--seed', kind: 'string', defaultText: 'the pinned upstream movies.json URL', description: 'path or http(s) URL of the seed JSON; downloads are cached under the data directory' },
  { key: 'seedSha256', env: 'MOVIES_SEED_SHA256', flag: '--seed-sha256', kind: 'string', defaultText: 'pinned for the default URL', description: 'expected sha256 of the seed file (checked when set, and always for the default URL)' },
  { key: 'dataDir', env: 'MOVIES_DATA_DIR', flag: '--data-dir', kind: 'path', defaultText: './data', description: 'local data directory: download cache and the default folder store' },
  { key: 'store', env: 'MOVIES_STORE', flag: '--store', kind: 'string', defaultText: '$MOVIES_DATA_DIR/store', description: 'where snapshots live: a folder, or s3://bucket/prefix' },
  { key: 'inbox', env: 'MOVIES_INBOX', flag: '--inbox', kind: 'string', defaultText: 'inbox/ under the store', description: 'where providers write update files: a folder, or s3://bucket/prefix' },
  { key: 'refreshIntervalSeconds', env: 'MOVIES_REFRESH_INTERVAL', flag: '--refresh-interval', kind: 'seconds', defaultText: '10', description: 'seconds between checks for a new snapshot (0 = off); also the Cache-Control max-age' },
  { key: 'ingestIntervalSeconds', env: 'MOVIES_INGEST_INTERVAL', flag: '--ingest-interval', kind: 'seconds', defaultText: '60', description: 'seconds between ingestion runs inside `cinedex serve` (0 = off, e.g. when a CronJob ingests)' },
  { key: 'maxUpdateBytes', env: 'MOVIES_MAX_UPDATE_BYTES', flag: '--max-update-bytes', kind: 'integer', min: 1, defaultText: '67108864 (64 MiB)', description: 'larger inbox objects are rejected whole' },
  { key: 'responseCacheBytes', env: 'MOVIES_RESPONSE_CACHE_BYTES', flag: '--response-cache-bytes', kind: 'integer', min: 0, defaultText: '67108864 (64 MiB)', description: 'finished GET /v1/movies answers kept per serving process for repeated queries (0 = off)' },
  { key: 'workers', env: 'MOVIES_WORKERS', flag: '--workers', kind: 'integer', min: 1, max: 256, defaultText: 'usable cores (the container CPU limit, if lower)', description: 'serving processes (node:cluster); 1 = no cluster' },
  { key: 'drainSeconds', env: 'MOVIES_DRAIN_SECONDS', flag: '--drain-seconds', kind: 'seconds', defaultText: '5', description: 'after SIGTERM, seconds to keep serving with /readyz at 503 before closing' },
  { key: 'apiKeysFile', env: 'MOVIES_API_KEYS', flag: '--api-keys', kind: 'path', defaultText: 'none', description: 'JSON file mapping API key to client name (header X-Api-Key)' },
  { key: 'requireApiKey', env: 'MOVIES_REQUIRE_API_KEY', flag: '--require-api-key', kind: 'boolean', defaultText: 'false', description: 'answer 401 to requests without a valid API key' },
  { key: 'rateLimit', env: 'MOVIES_RATE_LIMIT', flag: '--rate-limit', kind: 'seconds', defaultText: '0 (off)', description: 'requests per second per client (token bucket)' },
  { key: 'rateBurst', env: 'MOVIES_RATE_BURST', flag: '--rate-burst', kind: 'seconds', defaultText: '2 × rate limit', description: 'token bucket size per client' },
  { key: 'tlsCert', env: 'TLS_CERT', flag: '--tls-cert', kind: 'path', defaultText: 'none', description: 'PEM certificate: serve HTTPS when set with TLS_KEY' },
  { key: 'tlsKey', env: 'TLS_KEY', flag: '--tls-key', kind: 'path', defaultText: 'none', description: 'PEM private key' },
  { key: 's3Endpoint', env: 'AWS_ENDPOINT_URL', flag: '--s3-endpoint', kind: 'string', defaultText: 'AWS', description: 'S3-compatible endpoint (MinIO, …); path-style addressing is then used' },
  { key: 's3Region', env: 'AWS_REGION', flag: '--s3-region', kind: 'string', defaultText: 'SDK default chain', description: 'S3 region' },
  { key: 's3Sse', env: 'MOVIES_S3_SSE', flag: '--s3-sse', kind: 'string', choices: ['AES256', 'aws:kms'], defaultText: 'none', description: 'server-side encryption for snapshot writes' },
  { key: 's3KmsKeyId', env: 'MOVIES_S3_KMS_KEY_ID', flag: '--s3-kms-key-id', kind: 'string', defaultText: 'bucket default', description: 'KMS key for aws:kms' },
  { key: 'cursorSecret', env: 'MOVIES_CURSOR_SECRET', flag: '--cursor-secret', kind: 'string', defaultText: 'a development constant', description: 'HMAC key for page cursors; set the same secret on every replica in production' },
];

export type ConfigInput = Partial<Record<keyof Config, string | number | boolean | undefined>>;

/**
 * Reads configuration from the environment, with CLI flags (`overrides`) winning. Every value is
 * checked here, so a bad setting stops the process at start with a message naming it.
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigInput = {}): Config {
  const read = settingsReader<Config>(CONFIG_SETTINGS, env, overrides);

  const dataDir = resolve(read('dataDir') ?? './data');
  const store = read('store') ?? resolve(dataDir, 'store');
  const rateLimit = read('rateLimit') ?? 0;
  const config: Config = {
    port: read('port') ?? 8080,
    host: read('host') ?? '0.0.0.0',
    logLevel: read('logLevel') ?? 'info',
    seed: read('seed') ?? DEFAULT_SEED_URL,
    dataDir,
    store,
    inbox: read('inbox') ?? defaultInbox(store),
    refreshIntervalSeconds: read('refreshIntervalSeconds') ?? 10,
    ingestIntervalSeconds: read('ingestIntervalSeconds') ?? 60,
    maxUpdateBytes: read('maxUpdateBytes') ?? 64 * 1024 * 1024,
    responseCacheBytes: read('responseCacheBytes') ?? 64 * 1024 * 1024,
    workers: read('workers') ?? usableCores(),
    drainSeconds: read('drainSeconds') ?? 5,
    requireApiKey: read('requireApiKey') ?? false,
    rateLimit,
    rateBurst: read('rateBurst') ?? Math.max(1, 2 * rateLimit),
    cursorSecret: read('cursorSecret') ?? DEV_CURSOR_SECRET,
  };
  for (const key of ['seedSha256', 'apiKeysFile', 'tlsCert', 'tlsKey', 's3Endpoint', 's3Region', 's3Sse', 's3KmsKeyId'] as const) {
    const value = read(key);
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new ConfigError('TLS_CERT and TLS_KEY must be set together (both PEM file paths), or neither');
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

/**
 * Reads settings by key: the flag when given, else the environment variable (empty counts as unset),
 * parsed by the setting's kind; undefined when neither is set, so the caller applies its default.
 */
export function settingsReader<C>(
  settings: readonly Setting<keyof C & string>[],
  env: NodeJS.ProcessEnv,
  overrides: Partial<Record<keyof C, string | number | boolean | undefined>>,
): <K extends keyof C & string>(key: K) => C[K] | undefined {
  return (key) => {
    const setting = settings.find((s) => s.key === key) as Setting<keyof C & string>;
    const flag = overrides[key];
    const value = flag !== undefined ? String(flag) : env[setting.env];
    return value === undefined || (flag === undefined && value === '') ? undefined : (parseSetting(setting, value) as C[typeof key]);
  };
}

/** Reads one raw value (environment or flag) by the setting's kind; a bad value is a ConfigError naming the variable. */
function parseSetting(setting: Setting<string>, value: string): unknown {
  const fail = (allowed: string) => new ConfigError(`${setting.env} must be ${allowed}, got "${value.slice(0, 100)}"`);
  switch (setting.kind) {
    case 'integer': {
      if (!/^[0-9]+$/.test(value)) throw fail(rangeText(setting, 'an integer'));
      const n = Number(value);
      if ((setting.min !== undefined && n < setting.min) || (setting.max !== undefined && n > setting.max)) throw fail(rangeText(setting, 'an integer'));
      return n;
    }
    case 'seconds': {
      const n = Number(value);
      if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || !Number.isFinite(n)) throw fail('a number of seconds, 0 or more');
      return n;
    }
    case 'boolean':
      if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
      if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
      throw fail('true or false');
    case 'path':
      return resolve(value);
    default:
      if (setting.choices && !setting.choices.includes(value)) throw fail(`one of ${setting.choices.join(', ')}`);
      return value;
  }
}

function rangeText(setting: Setting<string>, what: string): string {
  if (setting.min !== undefined && setting.max !== undefined) return `${what} from ${setting.min} to ${setting.max}`;
  if (setting.min !== undefined) return `${what} of at least ${setting.min}`;
  return what;
}

/** The README's configuration table. */
export function configMarkdownTable(): string {
  return settingsMarkdownTable(CONFIG_SETTINGS);
}

export function settingsMarkdownTable(settings: readonly Setting<string>[]): string {
  const rows = settings.map((s) => `| \`${s.env}\` | \`${s.flag}\` | ${s.defaultText} | ${s.description} |`);
  return ['| variable | flag | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
