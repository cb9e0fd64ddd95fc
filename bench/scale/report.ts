/** The scale section of docs/performance.md (and docs/scale.md): measured rows as Markdown. */
import { fmt, table } from '../lib/markdown.js';
import type { ScaleResult, ScaleRow } from './scale-bench.js';
import type { ScaleSettings } from './settings.js';
import { MIX_IN_WORDS } from '../lib/update-mix.js';

/** MiB, with a decimal while it is small enough for one to matter. */
export function mib(bytes: number): string {
  const value = bytes / 2 ** 20;
  return fmt(value, value < 10 ? 1 : 0);
}

const HEADER = [
  'catalogue',
  'movies served',
  'seed run s (CPU s) / peak RSS MiB',
  'ingest run s (CPU s)',
  'ingest peak RSS MiB',
  'start → ready s (CPU s)',
  'RSS ready → settled MiB',
  'swap s (CPU s)',
  'swap peak RSS MiB',
  'HTTP p50 µs',
  'HTTP p99 µs',
  'server CPU µs / query',
  'catalogue/ MiB (one version)',
];

function cells(row: ScaleRow): string[] {
  return [
    row.label,
    row.movies.toLocaleString('en'),
    `${fmt(row.seed.seconds, 2)} (${fmt(row.seed.cpuSeconds, 1)}) / ${mib(row.seed.peakRssBytes)}`,
    `${fmt(row.ingest.seconds, 2)} (${fmt(row.ingest.cpuSeconds, 1)})`,
    mib(row.ingest.peakRssBytes),
    `${fmt(row.readySeconds, 2)} (${fmt(row.readyCpuSeconds, 1)})`,
    `${mib(row.rssAtReadyBytes)} → ${mib(row.rssSettledBytes)}`,
    `${fmt(row.swap.seconds, 2)} (${fmt(row.swap.cpuSeconds, 1)})`,
    `${mib(row.swap.peakRssBytes)}${row.swap.peakReset ? '' : ' (sampled)'}`,
    fmt(row.query.p50Us, 0),
    fmt(row.query.p99Us, 0),
    fmt(row.queryCpuUs, 0),
    `${mib(row.store.bytes)} (${mib(row.lastVersionBytes)})`,
  ];
}

function failedCells(result: ScaleResult & { failed: string }): string[] {
  return [result.label, `failed: ${result.failed.replace(/\|/g, '\\|')}`, ...HEADER.slice(2).map(() => '')];
}

/** Cores used by other processes during each row's query run, e.g. "0.05 cores (seed), 1.20 cores (1,000,000)". */
function others(rows: readonly ScaleRow[]): string {
  const each = rows.map((row) => `${row.queryOtherCores === undefined ? '?' : fmt(row.queryOtherCores, 2)} cores (${row.label})`);
  return each.length > 0 ? each.join(', ') : 'nothing measured';
}

export function scaleMarkdown(results: readonly ScaleResult[], settings: ScaleSettings): string {
  const rows = results.filter((r): r is ScaleRow => !('failed' in r));
  const main = table(
    HEADER,
    results.map((r) => ('failed' in r ? failedCells(r) : cells(r))),
  );
  const kinds = table(
    ['catalogue', 'under catalogue/', 'files', 'MiB'],
    rows.flatMap((row) => [...row.store.byKind].map(([kind, k]) => [row.label, kind, String(k.files), mib(k.bytes)])),
  );
  return (
    `## Scale: one catalogue size per row, through cinedex's own processes\n\n` +
    `${main}\n\n` +
    `Each size runs in a fresh folder store with its own processes (\`npm run bench:scale\`; sizes by \`BENCH_SCALE_SIZES\`). ` +
    `Catalogues above the 2023 set are its originals then numbered variants of every title (\`<title> (k)\`, no extract or ` +
    `thumbnail), written by bench/lib/generate-catalogue.ts.\n\n` +
    `- **seed run**: one \`cinedex seed\` process writing the first snapshot from the catalogue file; **ingest run**: ` +
    `then one \`cinedex ingest\` process on that store, with one provider file of ${fmt(settings.updateShare * 100, 1)}% ` +
    `of the catalogue in the inbox (${MIX_IN_WORDS}). Each: wall seconds from spawn to exit, its CPU time (all threads) ` +
    `and its peak RSS (VmHWM at exit).\n` +
    `- **start → ready**: \`cinedex serve\` (MOVIES_WORKERS=1) from the snapshot the ingest run published, from spawn to ` +
    `the first 200 on /readyz, polled every 20 ms; CPU s = the process's CPU time (all threads) by then. RSS = VmRSS at ready ` +
    `and after ${fmt(settings.settleSeconds, 0)} s.\n` +
    `- **swap**: a second provider file and a second \`cinedex ingest\` process while the serving process watches ` +
    `the pointer (MOVIES_REFRESH_INTERVAL=1). Seconds from the ingest process's exit to /v1/status naming the new version ` +
    `(includes up to 1 s before the replica looks); peak RSS = the serving process's VmHWM, reset just before the ingest ` +
    `run, and its VmRSS sampled every 20 ms ("sampled" when the reset was not possible); CPU s = the serving process's CPU ` +
    `time from the start of the ingest run to the new version answering.\n` +
    `- **HTTP p50/p99**: the 3,000 paths of queries.txt, cycled for ${fmt(settings.querySeconds, 0)} s at 1 connection ` +
    `after ${fmt(settings.warmSeconds, 0)} s of warm-up, response cache off (MOVIES_RESPONSE_CACHE_BYTES=0) so every ` +
    `query is computed. Client-side time per answer over a real socket: the engine's time plus the server's per-request ` +
    `work (parsing, routing, serialising, logging), not engine time alone. Server CPU = the serving process's CPU time ` +
    `over the answers, steadier than latency on a shared machine; other processes used ${others(rows)} meanwhile.\n` +
    `- **catalogue/**: every file under the store's catalogue/ after the run (three versions: seed and two ingestion ` +
    `runs); in brackets what the last ingestion run added, about one version's objects.\n\n` +
    (settings.pin
      ? `The serving process runs on core 0; the seed and ingest processes and the HTTP client on core 1 (BENCH_SCALE_PIN=1).\n\n`
      : `Every process may use every core, as a replica's GC threads would on a pod of that many cores (BENCH_SCALE_PIN=1 ` +
        `pins the serving process to core 0 and the rest to core 1).\n\n`) +
    `${kinds}\n`
  );
}
