/** The soak's section of docs/performance.md, from one run's figures. */
import { cpus } from 'node:os';
import { fmt, table } from '../lib/markdown.js';
import type { CatalogueCheck } from './catalogue-check.js';
import type { PhaseFigures } from './figures.js';
import { MOMENTS, type Moment } from './moments.js';
import type { SoakSettings } from './settings.js';

export interface SoakRun {
  readonly settings: SoakSettings;
  readonly distinctPaths: number;
  readonly poolSize: number;
  readonly files: number;
  readonly recordsPerFile: readonly number[];
  readonly phases: readonly PhaseFigures[];
  /** Failed requests during the warm-up and between phases. */
  readonly failedOutside: number;
  readonly statusLookFailures: number;
  /** Serving processes /v1/status reported that were not there at the start: a worker died and was replaced. */
  readonly restartedPids: readonly number[];
  /** From the end of the load until every worker served the last file. */
  readonly settleMs: number;
  readonly check: CatalogueCheck;
  readonly changedAnswers: { readonly changed: number; readonly of: number };
  /** Per serving process, its /metrics lines whose name contains "warm". */
  readonly warmMetrics: readonly Map<string, number>[];
  readonly justSwappedMs: number;
}

function momentText(moment: Moment, justSwappedMs: number): string {
  if (moment === 'loading') return 'a worker was loading the next version';
  if (moment === 'just swapped') return `within ${fmt(justSwappedMs / 1000, 1)} s after a worker swapped`;
  return 'neither (includes ingestion in the primary)';
}

/** The warm time as the server reports it: /v1/status fields first, then /metrics; n/a until the server has one. */
export function warmText(phase: PhaseFigures, metrics: readonly Map<string, number>[]): string {
  const fields = [...phase.warm].map(([field, v]) => `${field} ${fmt(v.median, 1)} (max ${fmt(v.max, 1)})`);
  if (fields.length > 0) return fields.join('; ');
  const sums = new Map<string, { sum: number; count: number }>();
  const others: string[] = [];
  for (const process of metrics)
    for (const [name, value] of process) {
      const histogram = /^(.*)_(sum|count)(\{.*\})?$/.exec(name);
      if (histogram) {
        const key = `${histogram[1]}${histogram[3] ?? ''}`;
        const entry = sums.get(key) ?? { sum: 0, count: 0 };
        if (histogram[2] === 'sum') entry.sum += value;
        else entry.count += value;
        sums.set(key, entry);
      } else if (!name.includes('_bucket')) others.push(`${name} ${fmt(value, 3)}`);
    }
  const means = [...sums].map(([name, { sum, count }]) => `${name} mean ${fmt(sum / count, 3)} over ${count}`);
  const all = [...means, ...others];
  return all.length > 0 ? `${all.join('; ')} (/metrics, whole run)` : 'n/a';
}

function phaseRow(p: PhaseFigures, metrics: readonly Map<string, number>[]): string[] {
  const swaps = [...p.swapsByPid.values()].join(' / ');
  return [
    p.name,
    fmt(p.seconds, 0),
    fmt(p.requestsPerSecond, 0),
    fmt(p.latency.p50Ms, 2),
    fmt(p.latency.p99Ms, 2),
    fmt(p.latency.p999Ms, 1),
    fmt(p.latency.maxMs, 1),
    String(p.failed),
    `${fmt(p.cpuUsPerRequest, 0)} (${fmt(p.measure.primaryUs, 0)} + ${fmt(p.measure.workersUs, 0)})`,
    `${p.versions} (${swaps})`,
    warmText(p, metrics),
  ];
}

/** What the machine did besides cinedex and the load. */
function othersCores(p: PhaseFigures): number {
  const m = p.measure;
  return m.machineCores - m.primaryCores - m.workersCores - m.generatorCores;
}

/**
 * Each minute of the swapping phase, per process: the primary runs ingestion (and the cluster), so
 * its cores are ingestion's cost; flat cores and a flat floor mean a run costs what changed, not
 * what came before. Left out of phases shorter than two minutes.
 */
function perMinuteSection(swapping: PhaseFigures): string[] {
  const minutes = swapping.memory[0]?.perMinute.length ?? 0;
  if (minutes < 2) return [];
  return [
    `Per minute of the swapping phase, each process's CPU (cores, from /proc ticks) and memory floor (lowest RSS MiB); ` +
      `the primary's CPU is ingestion's. Slope of the cores per minute: ` +
      swapping.memory.map((m) => `${m.role} ${m.pid} ${fmt(m.coresSlopePerMin, 4)}`).join(', ') +
      '.\n',
    table(
      ['minute', ...swapping.memory.map((m) => `${m.role} ${m.pid} cores / floor MiB`)],
      Array.from({ length: minutes }, (_, i) => [
        String(i + 1),
        ...swapping.memory.map((m) => {
          const minute = m.perMinute[i];
          return minute === undefined ? 'n/a' : `${fmt(minute.cores, 3)} / ${fmt(minute.floorMiB, 0)}`;
        }),
      ]),
    ),
    '',
  ];
}

export function renderSoak(run: SoakRun): string {
  const s = run.settings;
  const [quiet, swapping] = run.phases as [PhaseFigures, PhaseFigures];
  const ratio = swapping.latency.p99Ms / quiet.latency.p99Ms;
  const failed = run.phases.reduce((n, p) => n + p.failed, 0) + run.failedOutside;
  const records = run.recordsPerFile;
  const out: string[] = [];
  out.push(
    `## Soak: new versions under load (\`cinedex serve\`, ${s.workers} workers, ${s.connections} connections)\n`,
    `\`cinedex serve\` as a user runs it: node:cluster with a primary that seeds and ingests and ${s.workers} serving workers, the seed, ` +
      `a folder store, ingestion and refresh every ${s.ingestIntervalSeconds} s (MOVIES_INGEST_INTERVAL, MOVIES_REFRESH_INTERVAL), ` +
      `nothing pinned. Load: ${s.connections} closed-loop connections cycling the query mix (${run.distinctPaths} distinct paths), ` +
      `after ${s.warmupSeconds} s of warm-up. **Quiet**: no new data for ${s.quietSeconds} s. **Swapping**: a provider file lands in ` +
      `\`<inbox>/soak/\` every ${s.fileEverySeconds} s for ${s.swappingSeconds} s (${run.files} files of ${Math.min(...records)}–${Math.max(...records)} ` +
      `records: ${s.shape.updates} partial updates (a cast member or a genre added) picked from the ${run.poolSize} movies the mix's answers hold, ${s.shape.newMovies} new movies, ` +
      `a deletion every ${s.shape.deleteEvery}th file; deterministic). \`npm run bench:soak\`; SOAK_MINUTES sets the swapping phase.\n`,
    table(
      [
        'phase',
        's',
        'req/s',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'max ms',
        'failed',
        'CPU µs/req (primary + workers)',
        'swaps: versions (per worker)',
        'warm time',
      ],
      run.phases.map((p) => phaseRow(p, run.warmMetrics)),
    ),
    '',
    `Latency from send to the end of the answer, at the client. CPU µs/req: the CPU time /proc counts for the primary and ` +
      `the workers over the phase ÷ answers, so ingestion runs and loads are in it. Swaps: distinct versions that went live ` +
      `during the phase, and swaps each worker completed (from /v1/status looked at every 250 ms on new connections). Warm time: ` +
      `what /v1/status (fields named \`warm…\`) or /metrics (metrics named \`…warm…\`) report; n/a while the server reports none.`,
    '',
    `**p99 swapping ÷ quiet: ${fmt(ratio, 1)}×** (target ≤ 2×: ${ratio <= 2 ? 'met' : 'not met'}). ` +
      `Failed requests (non-2xx or socket errors): ${failed} in all, warm-up included (target 0: ${failed === 0 ? 'met' : 'not met'}).` +
      (run.restartedPids.length > 0 ? ` Serving processes replaced during the run: ${run.restartedPids.join(', ')}.` : ''),
    '',
    `Memory of the cinedex processes (RSS MiB from /proc every second). The floor is the lowest RSS of each of the swapping ` +
      `phase's windows, what stays after collections; its slope leaves out the first window, where the heap grows to hold two versions:\n`,
    table(
      [
        'process',
        'quiet start → end',
        'swapping start → end',
        'swapping min–max',
        'slope MiB/min',
        'floor per window',
        'floor slope MiB/min',
      ],
      quiet.memory.map((q, i) => {
        const w = swapping.memory[i] as (typeof swapping.memory)[number];
        return [
          `${q.role} ${q.pid}`,
          `${fmt(q.startMiB, 0)} → ${fmt(q.endMiB, 0)}`,
          `${fmt(w.startMiB, 0)} → ${fmt(w.endMiB, 0)}`,
          `${fmt(w.minMiB, 0)}–${fmt(w.maxMiB, 0)}`,
          fmt(w.slopeMiBPerMin, 1),
          w.floorMiB.map((v) => fmt(v, 0)).join(' '),
          fmt(w.floorSlopeMiBPerMin, 1),
        ];
      }),
    ),
    '',
    ...perMinuteSection(swapping),
    `Where the swapping tail sits: its requests by what the workers were doing when each was sent (from each worker's ` +
      `/v1/status: the start of the check that loaded a version, when it went live):\n`,
    table(
      ['when sent', 'requests', 'share', 'p50 ms', 'p99 ms'],
      MOMENTS.map((moment) => {
        const l = swapping.byMoment.get(moment);
        return [
          momentText(moment, run.justSwappedMs),
          String(l?.count ?? 0),
          `${fmt((100 * (l?.count ?? 0)) / Math.max(1, swapping.requests), 0)} %`,
          fmt(l?.p50Ms ?? NaN, 2),
          fmt(l?.p99Ms ?? NaN, 2),
        ];
      }),
    ),
    '',
    `p99 ms per window of ${fmt(swapping.windowSeconds, 0)} s, swapping: ${swapping.windowP99Ms.map((v) => fmt(v, 1)).join(', ')}; ` +
      `of ${fmt(quiet.windowSeconds, 0)} s, quiet: ${quiet.windowP99Ms.map((v) => fmt(v, 1)).join(', ')}. ` +
      `Loading a version (from the check that found it to live in the worker): median ${fmt(swapping.loadMs.median / 1000, 2)} s, ` +
      `max ${fmt(swapping.loadMs.max / 1000, 2)} s (${swapping.loadMs.seen} swaps seen whole); a version published to live in every worker: ` +
      `median ${fmt(swapping.publishedToLiveMs.median / 1000, 2)} s, max ${fmt(swapping.publishedToLiveMs.max / 1000, 2)} s.`,
    '',
    `Final check: every worker served the last file ${fmt(run.settleMs / 1000, 1)} s after the load stopped; ` +
      (run.check.wrong.length === 0
        ? `all ${run.check.checked} movies the files touched are served as the files imply (last value of each field, new movies present, deleted ones gone). `
        : `**${run.check.wrong.length} of ${run.check.checked} movies are wrong**, e.g. ${run.check.wrong.slice(0, 3).join('; ')}. `) +
      `${run.changedAnswers.changed} of the mix's ${run.changedAnswers.of} distinct answers changed.`,
    '',
    `Machine (${cpus().length} cores, shared): busy ${run.phases.map((p) => `${fmt(p.measure.machineCores, 2)} cores in ${p.name}`).join(', ')} ` +
      `(from /proc/stat, everything included); of that cinedex's primary ${run.phases.map((p) => fmt(p.measure.primaryCores, 2)).join(' and ')}, ` +
      `its workers ${run.phases.map((p) => fmt(p.measure.workersCores, 2)).join(' and ')}, the load generator ` +
      `${run.phases.map((p) => fmt(p.measure.generatorCores, 2)).join(' and ')}, everyone else ` +
      `${run.phases.map((p) => fmt(othersCores(p), 2)).join(' and ')}.` +
      (run.statusLookFailures > 0 ? ` ${run.statusLookFailures} /v1/status looks failed.` : '') +
      '\n',
  );
  return out.join('\n');
}
