/**
 * The HTTP scenario (`npm run bench:http`, or a section of `npm run bench`): what one cinedex process
 * costs per request, against what node:http itself costs, all measured side by side in the same rounds.
 *
 * Each server is one process pinned to core 0; the load comes from this process on core 1. The
 * steadiest figure on a shared machine is the server's own CPU time over the requests it answered
 * (µs per request, from /proc), so that is the headline; requests per second and client-side
 * latency are reported beside it.
 */
import { mark, serverUse } from '../lib/cpu.js';
import { pinSelf } from '../lib/launch.js';
import { closedLoop, sendEach, type LoadResult } from '../lib/load.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { startCinedex, startRaw, type Control } from '../lib/servers.js';
import { median } from '../lib/stats.js';
import { benchPaths } from '../lib/workload.js';
import { BEFORE_CLI, ROUNDS, SECONDS } from '../settings.js';
import {
  bytesByEncoding,
  compressedAnswersTable,
  cpuByEncoding,
  ENCODINGS,
  RECOMPRESSION_ENV,
  settleRecompression,
  type EncodingName,
} from './encodings.js';
import { neverSeen } from './never-seen.js';
import { record, startReplay } from './replay.js';

interface Measured {
  readonly cpuUs: number;
  readonly requestsPerSecond: number;
  /** At 4 connections, below saturation: the time of one answer rather than of a queue. */
  readonly latency: LoadResult;
  readonly failed: number;
}

interface Contender {
  readonly name: string;
  readonly why: string;
  readonly server: Control;
  /** The request targets for each round's run (a fresh slice per round for the never-seen mix). */
  readonly targets: (round: number, part: Part) => readonly string[];
}

type Part = 'warm' | 'throughput' | 'latency';
/** Alternating slices of the encodings' comparison, per round of the contenders. */
const SLICES_PER_ROUND = 5;
const PARTS: readonly Part[] = ['warm', 'throughput', 'latency'];

/** What the raw server writes: a 20-movie page, as large as a typical answer. */
const RAW_PATH = '/v1/movies?limit=20';

export async function benchHttp(paths: readonly string[], rounds: number, seconds: number): Promise<string> {
  // The servers run on core 0; the load must not compete with them for it.
  pinSelf(1);
  const repeated = await startCinedex(RECOMPRESSION_ENV);
  const fresh = await startCinedex();
  const quiet = await startCinedex({ LOG_LEVEL: 'warn' });
  const answers = await record(repeated.base, paths);
  const rawBody = answers.find(([target]) => target === RAW_PATH)?.[3] ?? (await record(repeated.base, [RAW_PATH]))[0]?.[3];
  const raw = await startRaw(rawBody as Buffer);
  const replay = await startReplay(answers);
  const unseen = neverSeen(paths);
  // Each run on the never-seen mix takes its own stretch of it, so no query repeats: the first half for the
  // contenders' rounds, the second for the encodings' slices.
  const half = Math.floor(unseen.length / 2);
  const stretch = Math.floor(half / (rounds * PARTS.length));
  const unseenStretch = (round: number, part: Part): readonly string[] => {
    const at = (round * PARTS.length + PARTS.indexOf(part)) * stretch;
    return unseen.slice(at, at + stretch);
  };
  const slices = rounds * SLICES_PER_ROUND;
  const slice = Math.floor(half / (ENCODINGS.length * (slices + 1)));
  const unseenSlice = (encoding: number, n: number): readonly string[] => {
    const at = half + (n * ENCODINGS.length + encoding) * slice;
    return unseen.slice(at, at + slice);
  };
  const contenders: Contender[] = [
    {
      name: 'raw node:http',
      why: `the platform's ceiling: one fixed ${rawBody?.length ?? 0}-byte body, no routing, logging or metrics`,
      server: raw,
      targets: () => ['/'],
    },
    {
      name: 'node:http replaying cinedex answers',
      why: "the ceiling for cinedex's own answers: its recorded headers and bodies, looked up in a Map",
      server: replay,
      targets: () => paths,
    },
    {
      name: 'cinedex, repeated mix',
      why: 'as deployed (a log line per request), the 3,000 real queries cycled: answered from the response cache',
      server: repeated,
      targets: () => paths,
    },
    {
      name: 'cinedex, repeated mix, no request log',
      why: 'LOG_LEVEL=warn, e.g. when the ingress logs access',
      server: quiet,
      targets: () => paths,
    },
    {
      name: 'cinedex, never-seen mix',
      why: 'as deployed, every query new: parsed, searched, signed, serialised and stored',
      server: fresh,
      targets: unseenStretch,
    },
  ];
  // Another build beside this one (BENCH_BEFORE_CLI=<its dist/src/cli/main.js>): before and after, measured in the same rounds.
  const beforeCli = BEFORE_CLI.read();
  const before = beforeCli === undefined ? [] : [await startCinedex({}, 0, beforeCli), await startCinedex({}, 0, beforeCli)];
  if (before[0] && before[1]) {
    contenders.push(
      { name: 'before: cinedex, repeated mix', why: `${beforeCli}, same mix`, server: before[0], targets: () => paths },
      {
        name: 'before: cinedex, never-seen mix',
        why: `${beforeCli}, same mix`,
        server: before[1],
        targets: unseenStretch,
      },
    );
  }
  const runs = new Map<string, Measured[]>(contenders.map((c) => [c.name, []]));
  const encodingCpu: Record<'repeated' | 'unseen', Map<EncodingName, number>> = { repeated: new Map(), unseen: new Map() };
  let bytes: Map<EncodingName, number> | undefined;
  try {
    // Every query of the repeated mix answered once before anything is measured: on a busy machine the
    // timed warm-up may not reach the end of the mix, and first answers would count as repeated ones.
    for (const c of contenders) if (c.targets(0, 'warm') === paths) await sendEach(c.server.base, paths, 16);
    // The repeated mix's compressed representations too: made, and recompressed, before anything is measured.
    await settleRecompression(repeated.base, paths);
    bytes = await bytesByEncoding(repeated.base, paths);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < contenders.length; i++) {
        // The order rotates per round: on a small shared machine the position in a round matters.
        const c = contenders[(i + round) % contenders.length] as Contender;
        console.log(`  round ${round + 1}: ${c.name}`);
        runs.get(c.name)?.push(await measure(c, round, seconds));
      }
    }
    console.log('  identity, gzip and br in alternating slices: repeated mix');
    encodingCpu.repeated = await cpuByEncoding(repeated, () => paths, slices);
    console.log('  identity, gzip and br in alternating slices: never-seen mix');
    encodingCpu.unseen = await cpuByEncoding(fresh, unseenSlice, slices);
  } finally {
    await Promise.all([repeated, fresh, quiet, raw, replay, ...before].map((s) => s.stop()));
  }
  const rawCpu = median((runs.get('raw node:http') ?? []).map((r) => r.cpuUs));
  const replayRuns = runs.get('node:http replaying cinedex answers') ?? [];
  const replayCpu = median(replayRuns.map((r) => r.cpuUs));
  const replayRps = median(replayRuns.map((r) => r.requestsPerSecond));
  const rows = contenders.map((c) => {
    const r = runs.get(c.name) ?? [];
    const cpu = median(r.map((x) => x.cpuUs));
    const rps = median(r.map((x) => x.requestsPerSecond));
    return [
      c.name,
      fmt(cpu, 1),
      `${fmt(cpu / rawCpu, 2)}×`,
      `${fmt(cpu / replayCpu, 2)}×`,
      fmt(rps, 0),
      `${fmt(rps / replayRps, 2)}×`,
      fmt(median(r.map((x) => x.latency.p50Us)), 0),
      fmt(median(r.map((x) => x.latency.p99Us)), 0),
      String(r.reduce((n, x) => n + x.failed, 0)),
      c.why,
    ];
  });
  return (
    `## HTTP (one server process pinned to one core, load from the other; median of ${rounds} rounds of ${seconds} s)\n\n` +
    table(
      [
        'server',
        'CPU µs / request',
        '× raw CPU',
        '× replay CPU',
        'req/s (16 conns)',
        '× replay req/s',
        'p50 µs (4 conns)',
        'p99 µs (4 conns)',
        'failed',
        'what it shows',
      ],
      rows,
    ) +
    "\n\nCPU µs per request is the server process's own CPU time (all its threads, from /proc) over the requests it answered at 16 " +
    'connections: steadier than requests per second on a shared machine. Load is a closed loop of lean keep-alive clients ' +
    '(bench/lib/load.ts) pinned to the other core; latency is measured client-side at 4 connections. The never-seen mix is the real ' +
    'mix with each query made unique (letters of its values percent-encoded), so the response cache never answers it.\n\n' +
    compressedAnswersTable({ bytes: bytes ?? new Map(), ...encodingCpu }, slices)
  );
}

async function measure(c: Contender, round: number, seconds: number): Promise<Measured> {
  const pid = c.server.pid;
  // Warm-up, so every server is measured JIT-compiled.
  await closedLoop(c.server.base, c.targets(round, 'warm'), 4, 2);
  const before = mark([pid], []);
  const tp = await closedLoop(c.server.base, c.targets(round, 'throughput'), 16, seconds);
  const after = mark([pid], []);
  const lat = await closedLoop(c.server.base, c.targets(round, 'latency'), 4, seconds);
  return {
    cpuUs: serverUse(before, after, tp.requests).cpuUs,
    requestsPerSecond: tp.requestsPerSecond,
    latency: lat,
    failed: tp.non2xx + tp.errors + lat.non2xx + lat.errors,
  };
}

runIfMain(import.meta.url, () => benchHttp(benchPaths(), ROUNDS.read(), SECONDS.read()));
