/**
 * The commands with an inbox queue, as processes against moto: `cinedex serve` makes an upload
 * searchable through the queue alone (no listing), keeps serving while the queue is unreachable,
 * and `cinedex ingest --watch` serves its metrics and health.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServe, waitFor } from '../support/cli-process.js';
import { refusedPort } from '../support/refused-port.js';
import { childCli } from '../support/paths.js';
import { startMoto, type Moto } from '../support/moto-server.js';

let moto: Moto;
let env: Record<string, string>;
before(async () => {
  moto = await startMoto();
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-queue-'));
  const seed = join(dir, 'seed.json');
  writeFileSync(seed, JSON.stringify([{ title: 'Seeded Film', year: 1999, cast: ['Someone'], genres: ['Drama'] }]));
  env = {
    ...moto.env,
    MOVIES_SEED: seed,
    MOVIES_DATA_DIR: dir,
    MOVIES_REFRESH_INTERVAL: '0.2',
    // No listing at all: only the queue can bring an upload in.
    MOVIES_INGEST_INTERVAL: '0',
    MOVIES_WORKERS: '1',
  };
  const seeded = await runCli(['seed'], env);
  assert.equal(seeded.code, 0, seeded.stderr + seeded.stdout);
});
after(() => moto.close());

async function titles(base: string, q: string): Promise<string[]> {
  const page = (await (await fetch(`${base}/v1/movies?q=${encodeURIComponent(q)}`)).json()) as { items: { title: string }[] };
  return page.items.map((m) => m.title);
}

test('cinedex serve with MOVIES_INBOX_QUEUE: an upload becomes searchable through the queue, with no listing', async () => {
  const serve = await startServe(env);
  try {
    await moto.put('acme/new.json', JSON.stringify([{ title: 'Queued Premiere', year: 2026, cast: ['New Star'], genres: ['Drama'] }]));
    await waitFor(
      async () => (await titles(serve.base, 'queued premiere')).includes('Queued Premiere'),
      60_000,
      'the upload to be searchable',
    );
    const metrics = await (await fetch(`${serve.base}/metrics`)).text();
    assert.match(metrics, /^cinedex_ingest_visible_seconds_count 1$/m);
    assert.match(metrics, /^cinedex_ingest_runs_total\{outcome="published"\} 1$/m);
    await waitFor(
      async () => /^cinedex_inbox_queue_messages_total\{outcome="handled"\} 2$/m.test(await (await fetch(`${serve.base}/metrics`)).text()),
      10_000,
      "the upload's message and S3's test event deleted",
    );
    assert.match(serve.output(), /"msg":"watching the inbox queue"/);
  } finally {
    await serve.stop();
  }
});

test('cinedex serve with an unreachable queue: it serves and searches all the same, and says what is wrong', async () => {
  // Held refusing throughout: a port found free could be taken by another test file's server (another moto) meanwhile.
  const { port: closed, release } = await refusedPort();
  try {
    const serve = await startServe({ ...env, MOVIES_INBOX_QUEUE: `http://127.0.0.1:${closed}/123456789012/nowhere` });
    try {
      assert.deepEqual(await titles(serve.base, 'seeded film'), ['Seeded Film']);
      await waitFor(
        async () => {
          const status = (await (await fetch(`${serve.base}/v1/status`)).json()) as { inboxQueue?: { lastError?: string } };
          return /SQS: could not/.test(status.inboxQueue?.lastError ?? '');
        },
        30_000,
        'the queue error in /v1/status',
      );
      assert.equal((await fetch(`${serve.base}/readyz`)).status, 200);
      // The log is written in buffered chunks.
      await waitFor(
        () => Promise.resolve(/the inbox queue cannot be reached; trying again after a pause/.test(serve.output())),
        10_000,
        'the logged reason',
      );
    } finally {
      await serve.stop();
    }
  } finally {
    await release();
  }
});

test('cinedex ingest --watch serves /metrics and /healthz on MOVIES_INGEST_METRICS_PORT, and applies uploads', async () => {
  // Port 0, and the port the child logs it bound: a port found free beforehand can be taken by another test file's
  // server before the child binds it, and that server would answer /healthz in the child's place.
  const child = spawn(process.execPath, [childCli(), 'ingest', '--watch'], {
    env: { ...process.env, ...env, MOVIES_INGEST_METRICS_PORT: '0', HOST: '127.0.0.1' },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  // From the start: a child that exits early still settles it.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const served = () => /"port":(\d+),[^\n]*"msg":"ingestion metrics served"/.exec(output)?.[1];
  try {
    await waitFor(async () => served() !== undefined || child.exitCode !== null, 30_000, `the metrics server to listen:\n${output}`);
    const base = `http://127.0.0.1:${served() ?? 'none'}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200, output);
    await moto.put('acme/watched.json', JSON.stringify([{ title: 'Watched Upload', year: 2026 }]));
    await waitFor(
      async () => /^cinedex_ingest_runs_total\{outcome="published"\} 1$/m.test(await (await fetch(`${base}/metrics`)).text()),
      60_000,
      'a published run',
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'cinedex_inbox_queue_oldest_message_age_seconds',
      'cinedex_ingest_last_success_timestamp_seconds',
      'process_cpu_seconds_total',
    ])
      assert.match(metrics, new RegExp(`^${name} `, 'm'), name);
    const health = (await (await fetch(`${base}/healthz`)).json()) as { status: string; queue: { messagesHandled: number } };
    assert.equal(health.status, 'ok');
  } finally {
    // Not asserted here: a failure above would be hidden behind the exit code of a child stopped early.
    child.kill('SIGTERM');
    await exited;
  }
  assert.equal(await exited, 0, output);
  assert.match(output, /"msg":"stopping ingestion"/);
});
