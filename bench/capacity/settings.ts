/**
 * How a capacity run measures, read once from the CAPACITY_* variables into a frozen value. It is
 * passed to whatever needs it, and saved with the run's results, so that a report rendered again from a
 * saved run states the settings that run was measured with, not the ones of the shell rendering it.
 */
import { TRANSPORT_KINDS, type TransportKind } from '../lib/http-client.js';
import { list, number, oneOf, optionalSetting, setting } from '../lib/settings.js';

/** The series a run can measure, in the order they run (series.ts defines each). */
export const SERIES_KEYS = ['api', 'api-br', 'api-cold', 'edge-hit', 'nginx-hit', 'edge-miss', 'replay', 'raw'] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];

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

const STEP_SECONDS = setting('CAPACITY_STEP_SECONDS', number({ above: 0 }), '4', 'seconds each step offers its rate');
const WARMUP_SECONDS = setting(
  'CAPACITY_WARMUP_SECONDS',
  number({ min: 0 }),
  '3',
  "seconds of load before each series' first step: JIT, caches and connections",
);
const WARMUP_RATE = setting('CAPACITY_WARMUP_RATE', number({ above: 0 }), '3000', 'requests per second of the warm-up');
const RATES = setting(
  'CAPACITY_RATES',
  list(number({ above: 0 })),
  '1000,2000,5000,10000,15000,20000,25000,30000,40000,50000,60000,70000',
  'the ladder: rates offered in turn until a step fails',
);
const REFINE_STEPS = setting(
  'CAPACITY_REFINE_STEPS',
  number({ integer: true, min: 0 }),
  '2',
  'bisections between the last passing and the first failing rate',
);
const MAX_SOCKETS = setting('CAPACITY_MAX_SOCKETS', number({ integer: true, min: 1 }), '128', 'connections the generator opens at most');
const SLO_MS = setting('CAPACITY_SLO_MS', number({ above: 0 }), '5', 'the p99 latency in ms a step must stay under to pass');
const DISTURBED_CORES = setting(
  'CAPACITY_DISTURBED_CORES',
  number({ above: 0 }),
  '0.12',
  'cores used by processes not ours during a step above which the step is disturbed and measured again',
);
const RETRIES = setting('CAPACITY_RETRIES', number({ integer: true, min: 0 }), '3', 'how many times a disturbed step is measured again');
const TRANSPORT = setting(
  'CAPACITY_TRANSPORT',
  oneOf(TRANSPORT_KINDS),
  'net',
  "the generator's client: `net` (lean, on node:net) or `http` (node:http's, for comparison)",
);
const SERIES = optionalSetting(
  'CAPACITY_SERIES',
  list(oneOf(SERIES_KEYS)),
  'unset: every series',
  `the series to run, comma-separated: ${SERIES_KEYS.map((key) => `\`${key}\``).join(', ')}`,
);

export const CAPACITY_VARIABLES = [
  STEP_SECONDS,
  WARMUP_SECONDS,
  WARMUP_RATE,
  RATES,
  REFINE_STEPS,
  MAX_SOCKETS,
  SLO_MS,
  DISTURBED_CORES,
  RETRIES,
  TRANSPORT,
  SERIES,
] as const;

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  return Object.freeze({
    stepSeconds: STEP_SECONDS.read(env),
    warmupSeconds: WARMUP_SECONDS.read(env),
    warmupRate: WARMUP_RATE.read(env),
    refineSteps: REFINE_STEPS.read(env),
    maxSockets: MAX_SOCKETS.read(env),
    sloMs: SLO_MS.read(env),
    disturbedCores: DISTURBED_CORES.read(env),
    retries: RETRIES.read(env),
    ladder: RATES.read(env),
    transport: TRANSPORT.read(env),
    series: SERIES.read(env),
  });
}
