/**
 * The BENCH_* variables of `npm run bench` and of the scenarios without a settings file of their own
 * (engine, search, HTTP, ingestion). The scale, soak and capacity scenarios read theirs in their
 * folder's settings.ts; BENCH_CINEDEX_CLI, which every scenario honours, is in lib/servers.ts.
 */
import { catalogueSize } from './lib/generate-catalogue.js';
import { existingFile, flag, list, number, optionalSetting, setting } from './lib/settings.js';

export const ROUNDS = setting(
  'BENCH_ROUNDS',
  number({ integer: true, min: 1 }),
  '3',
  'rounds of the engine and HTTP comparisons; the tables give their medians',
);
export const DELTA_ROUNDS = setting(
  'BENCH_ENGINE_DELTAS_ROUNDS',
  number({ integer: true, min: 1 }),
  '9',
  'rounds of the engine-over-deltas table (engine/deltas.ts), versions interleaved; it gives the median round and the lowest and highest',
);
export const SECONDS = setting('BENCH_SECONDS', number({ above: 0 }), '5', 'seconds each HTTP run offers load, per round');
export const ENGINE_LARGE = optionalSetting(
  'BENCH_ENGINE_LARGE',
  catalogueSize,
  'unset: left out',
  'a catalogue size (e.g. 1000000) to time the search workloads over as well; a million movies take a minute and a few GiB',
);
export const BEFORE_CLI = optionalSetting(
  'BENCH_BEFORE_CLI',
  existingFile,
  'unset: left out',
  "another build's dist/src/cli/main.js, measured beside this one in the same HTTP rounds and restarts, and its engine in the search scenario's afresh table and the plot scenario (before and after)",
);
export const PLOT_WARMUP_ROUNDS = setting(
  'BENCH_PLOT_WARMUP_ROUNDS',
  number({ integer: true, min: 3 }),
  '60',
  "rounds of the plot set answered before the engine's plot scenario times its rounds: V8 stops recompiling the engine after about 40",
);
export const INGEST_SIZES = setting(
  'BENCH_INGEST_SIZES',
  list(number({ integer: true, min: 1 })),
  '1000,100000,1000000',
  'update records in the inbox, one ingestion run per size',
);
export const QUEUE_PUTS = setting(
  'BENCH_QUEUE_PUTS',
  number({ integer: true, min: 1 }),
  '200',
  'uploads timed from PUT to searchable in the inbox queue scenario (`npm run bench:ingest-queue`)',
);
export const QUEUE_INBOX_OBJECTS = setting(
  'BENCH_QUEUE_INBOX_OBJECTS',
  number({ integer: true, min: 1 }),
  '10000',
  'inbox objects applied before the S3 requests of one run are counted, with the queue and without',
);
export const SKIP_INGEST = setting('BENCH_SKIP_INGEST', flag, '0', '1 leaves the ingestion scenario out of `npm run bench`');
export const SKIP_SCALE = setting('BENCH_SKIP_SCALE', flag, '0', '1 leaves the scale scenario out of `npm run bench`');
export const SKIP_SOAK = setting('BENCH_SKIP_SOAK', flag, '0', '1 leaves the soak scenario out of `npm run bench`');
export const SKIP_CAPACITY = setting('BENCH_SKIP_CAPACITY', flag, '0', '1 leaves the capacity scenario out of `npm run bench`');

export const RUN_VARIABLES = [
  ROUNDS,
  DELTA_ROUNDS,
  SECONDS,
  ENGINE_LARGE,
  BEFORE_CLI,
  PLOT_WARMUP_ROUNDS,
  INGEST_SIZES,
  QUEUE_PUTS,
  QUEUE_INBOX_OBJECTS,
  SKIP_INGEST,
  SKIP_SCALE,
  SKIP_SOAK,
  SKIP_CAPACITY,
] as const;
