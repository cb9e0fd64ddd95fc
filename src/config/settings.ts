import { resolve } from 'node:path';
import { ConfigError } from '../errors/errors.js';
import { parseCorsOrigins } from './cors-origins.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How a raw value is read and checked; each kind has one message for a bad value. */
export type Kind = 'integer' | 'bytes' | 'seconds' | 'rate' | 'string' | 'boolean' | 'path' | 'origins';

/**
 * One setting of a configuration `C`: its environment variable, its CLI flag, how to read it, and
 * its default, stated once. The help text and the tables of docs/configuration.md are generated from these lists.
 */
export interface Setting<C> {
  readonly key: keyof C & string;
  readonly env: string;
  readonly flag: string;
  readonly kind: Kind;
  readonly description: string;
  /** The value when neither the flag nor the variable is set: a constant, or derived from the settings listed before it. */
  readonly default?: string | number | boolean | ((earlier: Partial<C>) => string | number | boolean | undefined);
  /** How help and docs/configuration.md state a default that is derived or absent; a constant default is written as is. */
  readonly defaultText?: string;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
}

/** What every server is configured with: where it listens and how much it logs. */
export interface ServerSettings {
  port: number;
  host: string;
  logLevel: LogLevel;
}

/** The listen and log settings of a server, its variables named with `envPrefix` (`EDGE_PORT`…). */
export function serverSettings<C extends ServerSettings>(envPrefix: string, defaultPort: number, logDescription: string): Setting<C>[] {
  return [
    {
      key: 'port',
      env: `${envPrefix}PORT`,
      flag: '--port',
      kind: 'integer',
      min: 0,
      max: 65535,
      default: defaultPort,
      description: 'HTTP port',
    },
    { key: 'host', env: `${envPrefix}HOST`, flag: '--host', kind: 'string', default: '0.0.0.0', description: 'address to listen on' },
    {
      key: 'logLevel',
      env: `${envPrefix}LOG_LEVEL`,
      flag: '--log-level',
      kind: 'string',
      choices: LOG_LEVELS,
      default: 'info',
      description: logDescription,
    },
  ];
}

export type SettingInput<C> = Partial<Record<keyof C, string | number | boolean | undefined>>;

/**
 * Reads every setting, in list order: the flag when given, else the environment variable (empty
 * counts as unset), else the default. Every value is checked, so a bad one stops the process at
 * start with one line naming the variable.
 */
export function readSettings<C>(settings: readonly Setting<C>[], env: NodeJS.ProcessEnv, overrides: SettingInput<C>): Partial<C> {
  const out: Partial<Record<keyof C, unknown>> = {};
  for (const setting of settings) {
    const flag = overrides[setting.key];
    const raw = flag !== undefined ? String(flag) : env[setting.env];
    const given = raw !== undefined && !(flag === undefined && raw === '');
    const fallback = typeof setting.default === 'function' ? setting.default(out as Partial<C>) : setting.default;
    const value = given ? parseSetting(setting, raw) : fallback;
    if (value !== undefined) out[setting.key] = value;
  }
  return out as Partial<C>;
}

function parseSetting<C>(setting: Setting<C>, value: string): unknown {
  const fail = (allowed: string) => new ConfigError(`${setting.env} must be ${allowed}, got "${value.slice(0, 100)}"`);
  switch (setting.kind) {
    case 'integer':
    case 'bytes': {
      const what = setting.kind === 'bytes' ? 'a whole number of bytes' : 'an integer';
      if (!/^[0-9]+$/.test(value)) throw fail(rangeText(setting, what));
      const n = Number(value);
      if ((setting.min !== undefined && n < setting.min) || (setting.max !== undefined && n > setting.max))
        throw fail(rangeText(setting, what));
      return n;
    }
    case 'seconds':
    case 'rate': {
      const n = Number(value);
      const what = setting.kind === 'seconds' ? 'a number of seconds, 0 or more' : 'a number of requests per second, 0 or more';
      if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || !Number.isFinite(n)) throw fail(what);
      return n;
    }
    case 'boolean':
      if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
      if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
      throw fail('true or false');
    case 'path':
      return resolve(value);
    case 'origins':
      return parseCorsOrigins(value);
    case 'string':
      if (setting.choices && !setting.choices.includes(value)) throw fail(`one of ${setting.choices.join(', ')}`);
      return value;
  }
}

function rangeText<C>(setting: Setting<C>, what: string): string {
  if (setting.min !== undefined && setting.max !== undefined) return `${what} from ${setting.min} to ${setting.max}`;
  if (setting.min !== undefined) return `${what} of at least ${setting.min}`;
  return what;
}

/** The default as help and docs/configuration.md state it. */
export function defaultText<C>(setting: Setting<C>): string {
  if (setting.defaultText !== undefined) return setting.defaultText;
  const value = setting.default;
  if (typeof value === 'number' && setting.kind === 'bytes' && value >= 2 ** 20) return `${value} (${value / 2 ** 20} MiB)`;
  return String(value);
}

export function settingsMarkdownTable<C>(settings: readonly Setting<C>[]): string {
  const rows = settings.map((s) => `| \`${s.env}\` | \`${s.flag}\` | ${defaultText(s)} | ${s.description} |`);
  return ['| variable | flag | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
