import type { CorsOrigins } from './cors-origins.js';
import type { ServerSettings, Setting } from './settings.js';

/** What serve, seed and ingest are configured with (config.ts reads it; its settings are listed there and in s3-settings.ts). */
export interface Config extends ServerSettings {
  seed: string;
  seedSha256?: string;
  dataDir: string;
  store: string;
  inbox: string;
  inboxQueue?: string;
  synonymsKey: string;
  watch: boolean;
  compact: boolean;
  ingestMetricsPort?: number;
  refreshIntervalSeconds: number;
  ingestIntervalSeconds: number;
  maxUpdateBytes: number;
  runBytes: number;
  keepVersions: number;
  gcGraceSeconds: number;
  responseCacheBytes: number;
  recompressionMs: number;
  warmQueries: number;
  warmDeadlineSeconds: number;
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
  sqsEndpoint?: string;
  s3Sse?: 'AES256' | 'aws:kms';
  s3KmsKeyId?: string;
  cursorSecret: string;
  corsOrigins: CorsOrigins;
}

/** The commands configured by CONFIG_SETTINGS (`cinedex edge` has its own, EDGE_SETTINGS). */
export const CONFIGURED_COMMANDS = ['serve', 'seed', 'ingest'] as const;
export type ConfiguredCommand = (typeof CONFIGURED_COMMANDS)[number];

/**
 * A setting and the commands that read it: each command's help lists, and its flags accept, only
 * its own. The environment is read whole by every command (loadConfig), as before.
 */
export interface ConfigSetting extends Setting<Config> {
  readonly commands: readonly ConfiguredCommand[];
}

// `serve` seeds an empty store and ingests on its own thread, so it reads what `seed` and `ingest` read.
export const EVERY_COMMAND = CONFIGURED_COMMANDS;
export const SERVE: readonly ConfiguredCommand[] = ['serve'];
export const SEEDING: readonly ConfiguredCommand[] = ['serve', 'seed'];
export const INGESTING: readonly ConfiguredCommand[] = ['serve', 'ingest'];
export const INGEST: readonly ConfiguredCommand[] = ['ingest'];
