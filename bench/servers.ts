/**
 * The servers the benchmarks start, each a child process pinned to one core: cinedex itself, and
 * the node:http controls it is measured against.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, httpReady, startNode, type Child } from './processes.js';
import { seedFile } from './workload.js';

const distRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
/** The CLI under test: this build, or another one (BENCH_CINEDEX_CLI) to measure before against after in one run. */
export const cinedexCli = process.env.BENCH_CINEDEX_CLI ?? join(distRoot, 'src/cli/main.js');

export interface Running {
  readonly base: string;
  readonly child: Child;
}

/** What every benchmark's cinedex has: the seed, a data directory of its own, loopback only. */
export function cinedexEnv(port: number, dataDir: string): Record<string, string> {
  return { PORT: String(port), HOST: '127.0.0.1', MOVIES_SEED: seedFile, MOVIES_DATA_DIR: dataDir };
}

export async function startCinedex(extraEnv: NodeJS.ProcessEnv = {}, core = 0, cli = cinedexCli): Promise<Running> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cinedex-bench-'));
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...cinedexEnv(port, dataDir),
    MOVIES_WORKERS: '1',
    MOVIES_INGEST_INTERVAL: '0',
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const child = await startNode(cli, ['serve'], env, () => httpReady(`${base}/readyz`), core);
  return { base, child };
}

/** node:http answering one fixed body: the platform's ceiling. */
export async function startRaw(body: Buffer): Promise<Running> {
  const port = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'cinedex-raw-')), 'body.json');
  writeFileSync(file, body);
  const base = `http://127.0.0.1:${port}`;
  const child = await startNode(join(distRoot, 'bench/raw-server.js'), [String(port), file], {}, () => httpReady(base));
  return { base, child };
}

/** One recorded answer: request target, status, flat headers in wire order (node adds date and connection), body. */
export type RecordedAnswer = readonly [string, number, readonly string[], Buffer];

/** node:http replaying answers recorded from cinedex: the ceiling for cinedex's own answers. */
export async function startReplay(answers: readonly RecordedAnswer[]): Promise<Running> {
  const port = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'cinedex-replay-')), 'answers.json');
  writeFileSync(file, JSON.stringify(answers.map(([target, status, headers, body]) => [target, status, headers, body.toString('base64')])));
  const base = `http://127.0.0.1:${port}`;
  const child = await startNode(
    join(distRoot, 'bench/replay-server.js'),
    [String(port), file],
    {},
    async () => (await fetch(base)).status > 0,
  );
  return { base, child };
}
