/**
 * `npm run build && node dist/bench/edge-hit.js`: a cinedex edge answering from its cache against a
 * bare node:http server sending the same body, which is the platform's ceiling for a cache hit.
 * Runs alternate (raw, edge, edge, raw, …) because on a small shared machine whichever server runs
 * second in a pair does measurably worse; server CPU per request is read from /proc where it exists.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, httpReady, startNode, type Child } from './processes.js';
import { fmt, median } from './stats.js';

const distRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PATH = '/v1/movies?genre=Drama';

/** A 20-movie page, like the API's default page size. */
const movies = Array.from({ length: 20 }, (_, i) => ({ id: `m${i}`, title: `Movie ${i}`, year: 1990 + i, cast: ['A B', 'C D'], genres: ['Drama'], extract: 'x'.repeat(120) }));
const body = Buffer.from(JSON.stringify({ items: movies, has_more: true, next_cursor: 'c' }));

function cpuMicros(pid: number | undefined): number | undefined {
  const stat = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(stat)) return undefined;
  const fields = (readFileSync(stat, 'utf8').split(') ')[1] ?? '').split(' ');
  // utime and stime, in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function run(child: Child, base: string): Promise<{ rps: number; cpuUs: number | undefined }> {
  await autocannon({ url: `${base}${PATH}`, connections: 16, duration: 1 });
  const before = cpuMicros(child.process.pid);
  const result = await autocannon({ url: `${base}${PATH}`, connections: 16, duration: SECONDS });
  const after = cpuMicros(child.process.pid);
  return { rps: result.requests.average, cpuUs: before === undefined || after === undefined ? undefined : (after - before) / result.requests.total };
}

const origin = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=3600', etag: '"v1"', 'content-length': body.length });
  res.end(body);
});
await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
const file = join(mkdtempSync(join(tmpdir(), 'cinedex-edge-bench-')), 'body.json');
writeFileSync(file, body);
const [rawPort, edgePort] = [await freePort(), await freePort()];
const rawBase = `http://127.0.0.1:${rawPort}`;
const edgeBase = `http://127.0.0.1:${edgePort}`;
const raw = await startNode(join(distRoot, 'bench/raw-server.js'), [String(rawPort), file], {}, () => httpReady(rawBase));
const edge = await startNode(
  join(distRoot, 'src/cli/main.js'),
  ['edge', '--origin', `http://127.0.0.1:${(origin.address() as { port: number }).port}`, '--port', String(edgePort), '--host', '127.0.0.1', '--drain-seconds', '0'],
  { EDGE_LOG_LEVEL: 'warn' },
  () => httpReady(`${edgeBase}/readyz`),
);
await (await fetch(`${edgeBase}${PATH}`)).arrayBuffer();
if ((await fetch(`${edgeBase}${PATH}`)).headers.get('x-cache') !== 'HIT') throw new Error('the edge did not cache the page');

const results: Record<'raw' | 'edge', { rps: number; cpuUs: number | undefined }[]> = { raw: [], edge: [] };
for (const name of ['raw', 'edge', 'edge', 'raw', 'edge', 'raw', 'raw', 'edge'] as const) {
  const r = await run(name === 'raw' ? raw : edge, name === 'raw' ? rawBase : edgeBase);
  results[name].push(r);
  console.log(`${name.padEnd(4)} ${fmt(r.rps, 0)} req/s${r.cpuUs === undefined ? '' : `, ${fmt(r.cpuUs, 1)} µs server CPU per request`}`);
}
for (const name of ['raw', 'edge'] as const) {
  const cpu = results[name].map((r) => r.cpuUs).filter((v): v is number => v !== undefined);
  console.log(`median ${name}: ${fmt(median(results[name].map((r) => r.rps)), 0)} req/s${cpu.length ? `, ${fmt(median(cpu), 1)} µs CPU per request` : ''}`);
}
await Promise.all([raw.stop(), edge.stop()]);
origin.close();
