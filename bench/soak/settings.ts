/**
 * The soak's knobs, from the environment. The defaults are the short run `npm run bench` includes;
 * SOAK_MINUTES=10 is the long run that shows whether memory stays flat while versions keep coming.
 */
import { DEFAULT_SHAPE, type UpdateShape } from './updates.js';

export interface SoakSettings {
  /** Load before anything is measured: both workers' response caches fill with the mix. */
  readonly warmupSeconds: number;
  readonly quietSeconds: number;
  readonly swappingSeconds: number;
  readonly connections: number;
  readonly fileEverySeconds: number;
  readonly workers: number;
  readonly ingestIntervalSeconds: number;
  readonly refreshIntervalSeconds: number;
  readonly shape: UpdateShape;
  /** The server's JSON log goes here when set (SOAK_LOG_FILE); otherwise nowhere. */
  readonly logFile?: string;
  /** The run's raw series go here as JSON when set (SOAK_RECORD, see record.ts). */
  readonly recordFile?: string;
  /** Extra node flags for cinedex's processes (SOAK_NODE_ARGS, space-separated), to look inside: --trace-gc, --cpu-prof. */
  readonly nodeArgs?: readonly string[];
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, integer = false): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new Error(`${name} must be a ${integer ? 'whole ' : ''}number above 0, got "${raw}"`);
  return value;
}

export function soakSettings(env: NodeJS.ProcessEnv = process.env): SoakSettings {
  const minutes = number(env, 'SOAK_MINUTES', 1);
  return {
    warmupSeconds: number(env, 'SOAK_WARMUP_SECONDS', 10),
    quietSeconds: number(env, 'SOAK_QUIET_SECONDS', 30),
    swappingSeconds: number(env, 'SOAK_SWAPPING_SECONDS', minutes * 60),
    connections: number(env, 'SOAK_CONNECTIONS', 8, true),
    fileEverySeconds: number(env, 'SOAK_FILE_SECONDS', 3),
    workers: number(env, 'SOAK_WORKERS', 2, true),
    ingestIntervalSeconds: 1,
    refreshIntervalSeconds: 1,
    shape: DEFAULT_SHAPE,
    ...(env.SOAK_LOG_FILE ? { logFile: env.SOAK_LOG_FILE } : {}),
    ...(env.SOAK_RECORD ? { recordFile: env.SOAK_RECORD } : {}),
    ...(env.SOAK_NODE_ARGS ? { nodeArgs: env.SOAK_NODE_ARGS.split(' ').filter(Boolean) } : {}),
  };
}
