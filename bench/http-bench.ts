import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latency, throughput, type Latency, type Throughput } from './load.js';
import { freePort, httpReady, startNode, type Child } from './processes.js';
import { fmt, median, table } from './stats.js';
import { seedFile } from './workload.js';

const distRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const cli = join(distRoot, 'src/cli/main.js');
const rawServer = join(distRoot, 'bench/raw-server.js');

export interface ServerRun {
  readonly name: string;
  readonly throughput: Throughput;
  readonly latency4: Latency;
}

export async function startCinedex(extraEnv: NodeJS.ProcessEnv = {}, core = 0): Promise<{ base: string; child: Child }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cinedex-bench-'));
  const base = `http://127.0.0.1:${port}`;
  const child = await startNode(
    cli,
    ['serve'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      MOVIES_SEED: seedFile,
      MOVIES_DATA_DIR: dataDir,
      MOVIES_WORKERS: '1',
      MOVIES_INGEST_INTERVAL: '0',
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    () => httpReady(`${base}/readyz`),
    core,
  );
  return { base, child };
}

export async function startRaw(body: Buffer): Promise<{ base: string; child: Child }> {
  const port = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'cinedex-raw-')), 'body.json');
  writeFileSync(file, body);
  const base = `http://127.0.0.1:${port}`;
  const child = await startNode(rawServer, [String(port), file], {}, () => httpReady(base));
  return { base, child };
}

export async function measure(name: string, base: string, paths: readonly string[], seconds: number): Promise<ServerRun> {
  // Warm-up so both servers are measured JIT-compiled.
  await throughput(base, paths, 4, 2);
  const tp = await throughput(base, paths, 16, seconds);
  const lat = await latency(base, paths, 4, seconds);
  return { name, throughput: tp, latency4: lat };
}

interface Contender {
  readonly name: string;
  readonly why: string;
  readonly env: NodeJS.ProcessEnv;
}

/** cinedex as deployed, and with one thing changed at a time, so the table shows what each costs. */
const CONTENDERS: readonly Contender[] = [
  { name: 'cinedex', why: 'as deployed: a JSON log line per request, response cache on', env: { LOG_LEVEL: 'info' } },
  { name: 'cinedex, no request log', why: 'LOG_LEVEL=warn: request lines off (e.g. when the ingress logs access)', env: { LOG_LEVEL: 'warn' } },
  { name: 'cinedex, cache off', why: 'MOVIES_RESPONSE_CACHE_BYTES=0: every query parsed, searched, signed and serialised', env: { LOG_LEVEL: 'info', MOVIES_RESPONSE_CACHE_BYTES: '0' } },
];

/**
 * The HTTP section of docs/performance.md: each cinedex configuration and a raw node:http server
 * answering a fixed 20-movie body (the platform's ceiling), measured in the same rounds, in an order
 * that rotates per round because on a small shared machine the position in a round matters.
 */
export async function benchHttp(paths: readonly string[], rounds: number, seconds: number): Promise<string> {
  const servers = [];
  for (const c of CONTENDERS) servers.push({ ...c, ...(await startCinedex(c.env)) });
  const body = Buffer.from(await (await fetch(`${servers[0]?.base}/v1/movies?limit=20`)).arrayBuffer());
  const raw = await startRaw(body);
  const all = [...servers.map((s) => ({ name: s.name, base: s.base, paths })), { name: 'raw node:http', base: raw.base, paths: ['/'] as readonly string[] }];
  const runs = new Map<string, ServerRun[]>(all.map((s) => [s.name, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < all.length; i++) {
        const s = all[(i + round) % all.length] as (typeof all)[number];
        console.log(`  round ${round + 1}: ${s.name}`);
        runs.get(s.name)?.push(await measure(s.name, s.base, s.paths, seconds));
      }
    }
  } finally {
    await Promise.all([...servers.map((s) => s.child.stop()), raw.child.stop()]);
  }
  const rawRuns = runs.get('raw node:http') as ServerRun[];
  const row = (name: string, why: string) => {
    const r = runs.get(name) as ServerRun[];
    const ratios = r.map((run, i) => run.throughput.requestsPerSecond / (rawRuns[i] as ServerRun).throughput.requestsPerSecond);
    const failures = r.reduce((n, run) => n + run.throughput.non2xx + run.throughput.errors + run.latency4.failures, 0);
    return [
      name,
      fmt(median(r.map((run) => run.throughput.requestsPerSecond)), 0),
      name === 'raw node:http' ? '1' : `${fmt(median(ratios), 2)} (${ratios.map((x) => fmt(x, 2)).join(', ')})`,
      fmt(median(r.map((run) => run.latency4.p50Us)), 0),
      fmt(median(r.map((run) => run.latency4.p99Us)), 0),
      String(failures),
      why,
    ];
  };
  return (
    `## HTTP (one server process pinned to one core, load from the other; median of ${rounds} rounds of ${seconds} s)\n\n` +
    table(
      ['server', 'req/s (16 conns)', '÷ raw (per round)', 'p50 µs (4 conns)', 'p99 µs (4 conns)', 'failed', 'what it shows'],
      [...CONTENDERS.map((c) => row(c.name, c.why)), row('raw node:http', `the ceiling: a fixed ${body.length}-byte body, no routing, logging or metrics`)],
    ) +
    '\n\nTargets: 0.8 of the raw ceiling or better; p99 under 1 ms at 4 connections. cinedex answers the 3,000 real query paths, cycled, so after ' +
    'the first pass the response cache answers them; "cache off" is the cost of a query seen for the first time. Latency is measured ' +
    "client-side (it includes the Node client's own time) with hrtime per request; throughput by autocannon.\n"
  );
}
