/**
 * A restart of `cinedex serve` from a published version (`npm run bench:restart`): one folder store seeded
 * once, then starts of this build until /readyz answers, as the image and `npm start` run it (from the startup
 * snapshot, scripts/cinedex.sh), from the bundle (scripts/bundle.ts) and as the tests do (dist/src), and with
 * BENCH_BEFORE_CLI another build's, started in the same rounds one after the other (the order turns each round),
 * so all see the same machine.
 * Per build, the medians of: the process's own time from its start to ready (its "serving" line, not
 * blurred by the 20 ms readiness poll), spawn to the first 200 on /readyz, and its CPU time at ready (from
 * /proc, the figure a shared machine disturbs least), with where the start went (the line's marks).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogueFile, catalogueSize, sizeLabel } from '../lib/generate-catalogue.js';
import { fmt, machine, table } from '../lib/markdown.js';
import { processCpuSeconds } from '../lib/proc.js';
import { runCommand } from '../lib/run-command.js';
import { bundledCli, distCli, launcher, repoRoot } from '../../test/support/paths.js';
import { runIfMain } from '../lib/script.js';
import { cinedexCli, startServe } from '../lib/servers.js';
import { startAccount } from '../lib/serving-log.js';
import { number, setting } from '../lib/settings.js';
import { median } from '../lib/stats.js';
import { BEFORE_CLI } from '../settings.js';

export const RESTART_VARIABLES = [
  setting('BENCH_RESTART_SIZE', catalogueSize, 'seed', 'the catalogue size the store is seeded with: `seed`, `2023` or a number of movies'),
  setting('BENCH_RESTART_ROUNDS', number({ min: 1, integer: true }), '9', 'starts of each build; the table gives their medians'),
] as const;

/** One start, to ready. */
interface Start {
  /** The process's own ms from its start to ready; NaN when its log does not say. */
  readonly readyMs: number;
  readonly spawnToReadyzMs: number;
  readonly cpuMs: number;
  /** ms from the process's start to each step of serve's start ("serving" line's startupMs). */
  readonly marks: Readonly<Record<string, number>>;
}

async function start(cli: string, env: NodeJS.ProcessEnv): Promise<Start> {
  const serving = await startServe({ cli, env: { ...env, LOG_LEVEL: 'info', MOVIES_INGEST_INTERVAL: '0' }, keepOutput: true });
  try {
    const cpuMs = processCpuSeconds(serving.pid) * 1000;
    const marks = (await startAccount(serving.output)).startupMs ?? {};
    return { readyMs: marks.ready ?? NaN, spawnToReadyzMs: serving.readySeconds * 1000, cpuMs, marks };
  } finally {
    await serving.stop();
  }
}

function load(): string {
  return loadavg()
    .map((l) => fmt(l, 2))
    .join(', ');
}

export async function benchRestart(): Promise<string> {
  const [sizeSetting, roundsSetting] = RESTART_VARIABLES;
  const size = sizeSetting.read();
  const rounds = roundsSetting.read();
  const before = BEFORE_CLI.read();
  // The bundle and the startup snapshot are this build's only when the CLI measured is (no BENCH_CINEDEX_CLI).
  const ours = cinedexCli === distCli;
  const snapshot =
    ours && existsSync(join(repoRoot, 'dist/bundle/snapshot/cinedex.blob'))
      ? [{ label: 'this build from its startup snapshot (npm start, the image: scripts/cinedex.sh)', cli: launcher }]
      : [];
  const bundled =
    ours && existsSync(bundledCli)
      ? [{ label: "this build, bundled (the launcher's fallback without the snapshot)", cli: bundledCli }]
      : [];
  const builds = [
    ...snapshot,
    ...bundled,
    { label: 'this build', cli: cinedexCli },
    ...(before ? [{ label: `before (${before})`, cli: before }] : []),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-restart-'));
  try {
    const env = {
      MOVIES_SEED: await catalogueFile(size, dir),
      MOVIES_STORE: join(dir, 'store'),
      MOVIES_DATA_DIR: join(dir, 'data'),
      // As the container image runs every cinedex process (Dockerfile).
      GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
    };
    await runCommand('seed', { ...env, LOG_LEVEL: 'warn' });
    const loadBefore = load();
    const starts = builds.map(() => [] as Start[]);
    // One unmeasured start each: the store's files and the builds' modules into the page cache.
    for (const build of builds) await start(build.cli, env);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < builds.length; k++) {
        const i = (round + k) % builds.length;
        starts[i]!.push(await start(builds[i]!.cli, env));
      }
    }
    const med = (sample: readonly Start[], of: (s: Start) => number) => fmt(median(sample.map(of)), 0);
    const steps = (sample: readonly Start[]) =>
      Object.keys(sample[0]?.marks ?? {})
        .map((step) => `${step} ${med(sample, (s) => s.marks[step] ?? NaN)}`)
        .join(', ');
    return [
      `Restart of \`cinedex serve\` at ${sizeLabel(size)}, ${rounds} starts a build, on ${machine()}; load average ${loadBefore} before, ${load()} after.`,
      '',
      table(
        ['build', 'ready ms (its own)', 'spawn → /readyz ms', 'CPU ms at ready', 'ms from process start (medians)'],
        builds.map((build, i) => {
          const sample = starts[i]!;
          return [
            build.label,
            med(sample, (s) => s.readyMs),
            med(sample, (s) => s.spawnToReadyzMs),
            med(sample, (s) => s.cpuMs),
            steps(sample),
          ];
        }),
      ),
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, benchRestart);
