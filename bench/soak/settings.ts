/**
 * The soak's SOAK_* variables. The defaults are the short run `npm run bench` includes; SOAK_MINUTES=10
 * is the long run that shows whether memory stays flat while versions keep coming.
 */
import { filePath, number, optionalSetting, setting, words } from '../lib/settings.js';
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
  /** The server's JSON log goes here when set; otherwise nowhere. */
  readonly logFile?: string;
  /** The run's raw series go here as JSON when set (see record.ts). */
  readonly recordFile?: string;
  /** Extra node flags for cinedex's processes, to look inside: --trace-gc, --cpu-prof. */
  readonly nodeArgs?: readonly string[];
}

const positive = number({ above: 0 });
const count = number({ integer: true, min: 1 });

const MINUTES = setting('SOAK_MINUTES', positive, '1', 'minutes of the swapping phase (10 is the long run, for memory)');
const SWAPPING_SECONDS = optionalSetting('SOAK_SWAPPING_SECONDS', positive, 'SOAK_MINUTES × 60', 'seconds of the swapping phase');
const WARMUP_SECONDS = setting('SOAK_WARMUP_SECONDS', positive, '10', 'load before anything is measured, so both response caches fill');
const QUIET_SECONDS = setting('SOAK_QUIET_SECONDS', positive, '30', 'seconds of the quiet phase (load, no new data)');
const FILE_SECONDS = setting('SOAK_FILE_SECONDS', positive, '3', 'seconds between two provider files in the swapping phase');
const CONNECTIONS = setting('SOAK_CONNECTIONS', count, '8', 'closed-loop connections of the load');
const WORKERS = setting('SOAK_WORKERS', count, '2', "cinedex serve's MOVIES_WORKERS");
const LOG_FILE = optionalSetting('SOAK_LOG_FILE', filePath, 'unset: /dev/null', "where the server's JSON log goes");
const RECORD = optionalSetting('SOAK_RECORD', filePath, 'unset: not kept', "a JSON file for the run's raw series (soak/record.ts)");
const NODE_ARGS = optionalSetting(
  'SOAK_NODE_ARGS',
  words,
  'unset: none',
  "node flags for cinedex's processes, separated by spaces, to look inside: `--trace-gc`, `--cpu-prof`",
);

export const SOAK_VARIABLES = [
  MINUTES,
  SWAPPING_SECONDS,
  WARMUP_SECONDS,
  QUIET_SECONDS,
  FILE_SECONDS,
  CONNECTIONS,
  WORKERS,
  LOG_FILE,
  RECORD,
  NODE_ARGS,
] as const;

export function soakSettings(env: NodeJS.ProcessEnv = process.env): SoakSettings {
  // Read even when SOAK_SWAPPING_SECONDS overrides it: a typo in it is still an error.
  const minutes = MINUTES.read(env);
  const logFile = LOG_FILE.read(env);
  const recordFile = RECORD.read(env);
  const nodeArgs = NODE_ARGS.read(env);
  return {
    warmupSeconds: WARMUP_SECONDS.read(env),
    quietSeconds: QUIET_SECONDS.read(env),
    swappingSeconds: SWAPPING_SECONDS.read(env) ?? minutes * 60,
    connections: CONNECTIONS.read(env),
    fileEverySeconds: FILE_SECONDS.read(env),
    workers: WORKERS.read(env),
    ingestIntervalSeconds: 1,
    refreshIntervalSeconds: 1,
    shape: DEFAULT_SHAPE,
    ...(logFile !== undefined ? { logFile } : {}),
    ...(recordFile !== undefined ? { recordFile } : {}),
    ...(nodeArgs !== undefined ? { nodeArgs } : {}),
  };
}
