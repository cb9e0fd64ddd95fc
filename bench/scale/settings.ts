/** The scale benchmark's BENCH_SCALE_* variables, with their defaults. */
import { parseSize, type CatalogueSize } from './generate-catalogue.js';

export interface ScaleSettings {
  /** BENCH_SCALE_SIZES: comma-separated seed, 2023 or a movie count. */
  readonly sizes: readonly CatalogueSize[];
  /** BENCH_SCALE_UPDATE_SHARE: records in each provider file, as a share of the catalogue. */
  readonly updateShare: number;
  /** BENCH_SCALE_SETTLE_SECONDS: wait after ready before reading the settled RSS. */
  readonly settleSeconds: number;
  /** BENCH_SCALE_WARM_SECONDS and BENCH_SCALE_QUERY_SECONDS: the query mix, unmeasured then measured. */
  readonly warmSeconds: number;
  readonly querySeconds: number;
  /** BENCH_SCALE_TIMEOUT_SECONDS: the longest wait for ready and for a swap. */
  readonly timeoutSeconds: number;
  /** BENCH_SCALE_QUIET_SECONDS: how long to wait, at most, for other processes to leave the cores before the query run. */
  readonly quietSeconds: number;
  /** BENCH_SCALE_PIN=1: the serving process on core 0, the rest on core 1; otherwise every process may use every core. */
  readonly pin: boolean;
  /** BENCH_SCALE_DIR: where the temporary catalogues and stores go (the system's temp dir by default). */
  readonly dir: string | undefined;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of seconds, not "${env[name]}"`);
  return value;
}

export function scaleSettings(env: NodeJS.ProcessEnv = process.env): ScaleSettings {
  const share = Number(env.BENCH_SCALE_UPDATE_SHARE ?? 0.01);
  if (!(share > 0 && share <= 1))
    throw new Error(`BENCH_SCALE_UPDATE_SHARE must be above 0 and at most 1, not "${env.BENCH_SCALE_UPDATE_SHARE}"`);
  return {
    sizes: (env.BENCH_SCALE_SIZES ?? 'seed,2023,1000000,3000000').split(',').map(parseSize),
    updateShare: share,
    settleSeconds: seconds(env, 'BENCH_SCALE_SETTLE_SECONDS', 2),
    warmSeconds: seconds(env, 'BENCH_SCALE_WARM_SECONDS', 2),
    querySeconds: seconds(env, 'BENCH_SCALE_QUERY_SECONDS', 10),
    timeoutSeconds: seconds(env, 'BENCH_SCALE_TIMEOUT_SECONDS', 900),
    quietSeconds: seconds(env, 'BENCH_SCALE_QUIET_SECONDS', 30),
    pin: env.BENCH_SCALE_PIN === '1',
    dir: env.BENCH_SCALE_DIR,
  };
}
