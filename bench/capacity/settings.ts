/**
 * How a capacity run measures, read once from the CAPACITY_* environment variables into a frozen value.
 * It is passed to whatever needs it, and saved with the run's results, so that a report rendered again
 * from a saved run states the settings that run was measured with, not the ones of the shell rendering it.
 */
import type { TransportKind } from '../open-loop.js';

export interface Settings {
  /** Seconds each step offers its rate. */
  readonly stepSeconds: number;
  /** Seconds of load before each series' first step, at `warmupRate`: JIT, caches and connections. */
  readonly warmupSeconds: number;
  readonly warmupRate: number;
  /** Bisections between the last passing and the first failing rate. */
  readonly refineSteps: number;
  /** Connections the generator opens at most. */
  readonly maxSockets: number;
  /** The p99 latency a step must stay under to pass. */
  readonly sloMs: number;
  /** Cores of CPU nobody of ours used during a step above which the step counts as disturbed and is repeated. */
  readonly disturbedCores: number;
  /** How many times a disturbed step is repeated. */
  readonly retries: number;
  /** The rates offered in turn until a step fails. */
  readonly ladder: readonly number[];
  readonly transport: TransportKind;
  /** The keys of the series to run (e.g. `api`, `raw`); undefined runs them all. */
  readonly series: readonly string[] | undefined;
}

const DEFAULT_LADDER = '1000,2000,5000,10000,15000,20000,25000,30000,40000,50000,60000,70000';

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  const num = (name: string, fallback: number) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));
  return Object.freeze({
    stepSeconds: num('CAPACITY_STEP_SECONDS', 4),
    warmupSeconds: num('CAPACITY_WARMUP_SECONDS', 3),
    warmupRate: num('CAPACITY_WARMUP_RATE', 3000),
    refineSteps: num('CAPACITY_REFINE_STEPS', 2),
    maxSockets: num('CAPACITY_MAX_SOCKETS', 128),
    sloMs: num('CAPACITY_SLO_MS', 5),
    disturbedCores: num('CAPACITY_DISTURBED_CORES', 0.12),
    retries: num('CAPACITY_RETRIES', 3),
    ladder: Object.freeze((env.CAPACITY_RATES ?? DEFAULT_LADDER).split(',').map(Number)),
    transport: (env.CAPACITY_TRANSPORT ?? 'net') as TransportKind,
    series: env.CAPACITY_SERIES === undefined ? undefined : Object.freeze(env.CAPACITY_SERIES.split(',').filter(Boolean)),
  });
}
