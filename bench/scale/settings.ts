/** The scale scenario's BENCH_SCALE_* variables, read once into a value the measurement and the report share. */
import { catalogueSize, type CatalogueSize } from '../lib/generate-catalogue.js';
import { existingDirectory, flag, list, number, optionalSetting, seconds, setting } from '../lib/settings.js';

export interface ScaleSettings {
  readonly sizes: readonly CatalogueSize[];
  /** Records in each provider file, as a share of the catalogue. */
  readonly updateShare: number;
  /** Wait after ready before reading the settled RSS. */
  readonly settleSeconds: number;
  /** The query mix, unmeasured then measured. */
  readonly warmSeconds: number;
  readonly querySeconds: number;
  /** The longest wait for ready and for a swap. */
  readonly timeoutSeconds: number;
  /** How long to wait, at most, for other processes to leave the cores before the query run. */
  readonly quietSeconds: number;
  /** The serving process on core 0, the rest on core 1; otherwise every process may use every core. */
  readonly pin: boolean;
  /** Where the temporary catalogues and stores go (the system's temp dir when undefined). */
  readonly dir: string | undefined;
}

const SIZES = setting(
  'BENCH_SCALE_SIZES',
  list(catalogueSize),
  'seed,2023,1000000,3000000',
  'the catalogue sizes, one row each: `seed`, `2023` or a number of movies (the 2023 set and numbered variants of it)',
);
const UPDATE_SHARE = setting(
  'BENCH_SCALE_UPDATE_SHARE',
  number({ above: 0, max: 1 }),
  '0.01',
  'records in each provider file, as a share of the catalogue',
);
const SETTLE_SECONDS = setting('BENCH_SCALE_SETTLE_SECONDS', seconds, '2', 'wait after ready before reading the settled RSS');
const WARM_SECONDS = setting('BENCH_SCALE_WARM_SECONDS', seconds, '2', 'the query mix, unmeasured, before the measured run');
const QUERY_SECONDS = setting('BENCH_SCALE_QUERY_SECONDS', seconds, '10', 'the measured run of the query mix, at one connection');
const TIMEOUT_SECONDS = setting('BENCH_SCALE_TIMEOUT_SECONDS', seconds, '900', 'the longest wait for ready and for a swap');
const QUIET_SECONDS = setting(
  'BENCH_SCALE_QUIET_SECONDS',
  seconds,
  '30',
  'how long to wait, at most, for other processes to leave the cores before the query run',
);
const PIN = setting(
  'BENCH_SCALE_PIN',
  flag,
  '0',
  '1: the serving process on core 0, the rest on core 1; 0: every process may use every core, as on a pod',
);
const DIR = optionalSetting(
  'BENCH_SCALE_DIR',
  existingDirectory,
  "unset: the system's temp dir",
  'where the temporary catalogues and stores go (a 3M-movie run writes a few GiB)',
);

export const SCALE_VARIABLES = [
  SIZES,
  UPDATE_SHARE,
  SETTLE_SECONDS,
  WARM_SECONDS,
  QUERY_SECONDS,
  TIMEOUT_SECONDS,
  QUIET_SECONDS,
  PIN,
  DIR,
] as const;

export function scaleSettings(env: NodeJS.ProcessEnv = process.env): ScaleSettings {
  return {
    sizes: SIZES.read(env),
    updateShare: UPDATE_SHARE.read(env),
    settleSeconds: SETTLE_SECONDS.read(env),
    warmSeconds: WARM_SECONDS.read(env),
    querySeconds: QUERY_SECONDS.read(env),
    timeoutSeconds: TIMEOUT_SECONDS.read(env),
    quietSeconds: QUIET_SECONDS.read(env),
    pin: PIN.read(env),
    dir: DIR.read(env),
  };
}
