import { ConfigError } from '../errors/errors.js';
import { readSettings, serverSettings, settingsMarkdownTable } from './settings.js';
import type { ServerSettings, Setting, SettingInput } from './settings.js';

/** `cinedex edge`: a caching relay in front of a cinedex server. Its settings are its own (EDGE_*), so one host can run both. */
export interface EdgeConfig extends ServerSettings {
  /** Base URL of the cinedex server relayed to, without a trailing slash. */
  origin: string;
  cacheMaxBytes: number;
  upstreamTimeoutSeconds: number;
  staleIfErrorSeconds: number;
  maxUpstreamConcurrency: number;
  drainSeconds: number;
}

export const EDGE_SETTINGS: readonly Setting<EdgeConfig>[] = [
  {
    key: 'origin',
    env: 'EDGE_ORIGIN',
    flag: '--origin',
    kind: 'string',
    defaultText: 'required',
    description: 'http(s) URL of the cinedex server to relay to, e.g. http://cinedex.internal:8080',
  },
  ...serverSettings<EdgeConfig>('EDGE_', 8081, 'pino log level; `debug` logs every request'),
  {
    key: 'cacheMaxBytes',
    env: 'EDGE_CACHE_MAX_BYTES',
    flag: '--cache-max-bytes',
    kind: 'bytes',
    min: 1,
    default: 128 * 2 ** 20,
    description: 'bytes of cached answers (bodies and headers) kept; least recently used go first',
  },
  {
    key: 'upstreamTimeoutSeconds',
    env: 'EDGE_UPSTREAM_TIMEOUT',
    flag: '--upstream-timeout',
    kind: 'seconds',
    default: 5,
    description: 'seconds for the origin to answer completely, waiting for a free connection included',
  },
  {
    key: 'staleIfErrorSeconds',
    env: 'EDGE_STALE_IF_ERROR',
    flag: '--stale-if-error',
    kind: 'seconds',
    default: 300,
    description: 'seconds past its freshness a cached answer may still be served while the origin fails (0 = never)',
  },
  {
    key: 'maxUpstreamConcurrency',
    env: 'EDGE_MAX_UPSTREAM_CONCURRENCY',
    flag: '--max-upstream-concurrency',
    kind: 'integer',
    min: 1,
    max: 10000,
    default: 64,
    description: 'requests in flight to the origin at once; more wait in a queue',
  },
  {
    key: 'drainSeconds',
    env: 'EDGE_DRAIN_SECONDS',
    flag: '--drain-seconds',
    kind: 'seconds',
    default: 5,
    description:
      'after SIGTERM, seconds to keep serving with /readyz at 503 before closing (a second SIGTERM or SIGINT ends them; a third exits at once)',
  },
];

export type EdgeConfigInput = SettingInput<EdgeConfig>;

/** Environment first, flags (`overrides`) winning; every value is checked so a bad one stops the start with one line. */
export function loadEdgeConfig(env: NodeJS.ProcessEnv, overrides: EdgeConfigInput = {}): EdgeConfig {
  const config = readSettings(EDGE_SETTINGS, env, overrides) as EdgeConfig;
  if (config.origin === undefined) {
    throw new ConfigError(
      'EDGE_ORIGIN (--origin) is required: the http(s) URL of the cinedex server to relay to, e.g. http://cinedex.internal:8080',
    );
  }
  // A zero timeout would fail every miss; the 'seconds' kind allows 0 because elsewhere it means "off".
  if (config.upstreamTimeoutSeconds <= 0) {
    throw new ConfigError(`EDGE_UPSTREAM_TIMEOUT must be a number of seconds greater than 0, got "${config.upstreamTimeoutSeconds}"`);
  }
  return { ...config, origin: parseOrigin(config.origin) };
}

/** The origin is a base URL: a path prefix is allowed, a query or fragment would be silently mangled by joining. */
function parseOrigin(value: string): string {
  const fail = (options?: ErrorOptions) =>
    new ConfigError(
      `EDGE_ORIGIN must be an http(s) URL without query, fragment or credentials, e.g. http://cinedex.internal:8080, got "${value.slice(0, 100)}"`,
      options,
    );
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw fail({ cause: error });
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  )
    throw fail();
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** docs/configuration.md's table of the edge settings (between its edge-config-table markers). */
export function edgeConfigMarkdownTable(): string {
  return settingsMarkdownTable(EDGE_SETTINGS);
}
