import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latency, throughput, type Latency, type Throughput } from './load.js';
import { freePort, httpReady, startNode, type Child } from './processes.js';
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
