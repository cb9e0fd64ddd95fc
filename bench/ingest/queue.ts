/**
 * The inbox queue (`npm run bench:ingest-queue`), against moto's S3 and SQS:
 * - PUT → searchable: one `cinedex serve` (the embedded default: it seeds, ingests on its thread and
 *   serves) on the seed catalogue with MOVIES_INBOX_QUEUE and no listing; a provider uploads one new
 *   movie at a time, and the time from the PUT's return to the first search that finds it is taken.
 * - S3 requests per run, with the queue and without, once the inbox holds many objects all applied
 *   already: one run for one new object, counted in moto's access log.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestionAsDeployed, publishCatalogue } from '../../test/support/catalogue-store.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3Store } from '../../src/store/s3-store.js';
import { MOTO_CREDENTIALS, requestKinds, startMoto, type Moto } from '../../test/support/moto-server.js';
import { seedPath } from '../../test/support/paths.js';
import { runCommand } from '../lib/run-command.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { startServe } from '../lib/servers.js';
import { summary } from '../lib/stats.js';
import { QUEUE_INBOX_OBJECTS, QUEUE_PUTS } from '../settings.js';

/** The steps of one PUT's way to search, each from the end of the one before, as the serving process's log dates them. */
const STEPS = [
  ['in the queue', "the PUT returned → S3 notified the queue (the message's SentTimestamp)"],
  ['received', '→ the watcher received it'],
  ['published', '→ the ingestion run published the version'],
  ['swapped in', '→ the refresher had loaded, warmed and swapped it in'],
  ['found', '→ the first search that found it (polled every 10 ms)'],
] as const;

interface PutTimes {
  readonly seconds: Float64Array;
  /** Seconds per step (STEPS), one entry per PUT whose log lines were all found. */
  readonly steps: Record<(typeof STEPS)[number][0], number[]>;
  /** Of the step to "swapped in": the cache warming's share. */
  readonly warming: number[];
}

interface LogLine {
  readonly time: number;
  readonly msg: string;
  readonly oldestAgeMs?: number;
  readonly warmMs?: number;
}

/** The log lines of the steps, in order. */
function stepLines(output: string): LogLine[] {
  const wanted = new Set(['inbox notifications received', 'version published', 'snapshot swapped in']);
  const lines: LogLine[] = [];
  for (const text of output.split('\n')) {
    if (!text.startsWith('{')) continue;
    const line = JSON.parse(text) as LogLine;
    if (wanted.has(line.msg)) lines.push(line);
  }
  return lines.sort((a, b) => a.time - b.time);
}

async function putToSearchable(moto: Moto, puts: number): Promise<PutTimes> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cinedex-queue-bench-'));
  const env = {
    ...moto.env,
    MOVIES_SEED: seedPath,
    MOVIES_DATA_DIR: dataDir,
    MOVIES_INGEST_INTERVAL: '0',
    MOVIES_REFRESH_INTERVAL: '10',
    // The steps' lines are at info; so is a line per request, which production logs too.
    LOG_LEVEL: 'info',
  };
  try {
    await runCommand('seed', env);
    const logFile = join(dataDir, 'serve.log');
    const log = openSync(logFile, 'w');
    const serve = await startServe({ env, readyTimeoutMs: 120_000, stdoutFd: log }).finally(() => closeSync(log));
    const seconds = new Float64Array(puts);
    const spans: { readonly put: number; readonly found: number }[] = [];
    try {
      for (let i = 0; i < puts; i++) {
        const title = `Queue Bench Premiere ${i} ${Date.now().toString(36)}`;
        await moto.put(`bench/put-${i}.json`, JSON.stringify([{ title, year: 2026, cast: ['Bench Star'], genres: ['Drama'] }]));
        const putReturned = performance.now();
        const put = Date.now();
        const query = `${serve.base}/v1/movies?title=${encodeURIComponent(title)}&limit=1`;
        for (;;) {
          const page = (await (await fetch(query)).json()) as { items: unknown[] };
          if (page.items.length > 0) break;
          if (performance.now() - putReturned > 60_000) throw new Error(`PUT ${i} not searchable after 60 s`);
          await new Promise((r) => setTimeout(r, 10));
        }
        seconds[i] = (performance.now() - putReturned) / 1000;
        spans.push({ put, found: Date.now() });
      }
    } finally {
      await serve.stop();
    }
    return { seconds, ...timeline(spans, stepLines(readFileSync(logFile, 'utf8'))) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Each PUT's steps: the first line of each kind after the PUT, in order (one PUT at a time, so the lines are its own). */
function timeline(
  spans: readonly { readonly put: number; readonly found: number }[],
  lines: readonly LogLine[],
): Omit<PutTimes, 'seconds'> {
  const steps: PutTimes['steps'] = { 'in the queue': [], received: [], published: [], 'swapped in': [], found: [] };
  const warming: number[] = [];
  let at = 0;
  const next = (msg: string, after: number, before: number) => {
    while (at < lines.length && ((lines[at] as LogLine).time < after || (lines[at] as LogLine).msg !== msg)) at++;
    const line = lines[at];
    return line && line.time <= before ? line : undefined;
  };
  for (const { put, found } of spans) {
    const received = next('inbox notifications received', put, found);
    const published = received && next('version published', received.time, found);
    const swapped = published && next('snapshot swapped in', published.time, found);
    if (!received || !published || !swapped) continue;
    const sent = received.time - (received.oldestAgeMs ?? 0);
    const marks = [put, sent, received.time, published.time, swapped.time, found];
    STEPS.forEach(([step], k) => steps[step].push(((marks[k + 1] as number) - (marks[k] as number)) / 1000));
    warming.push((swapped.warmMs ?? 0) / 1000);
  }
  return { steps, warming };
}

async function requestsPerRun(moto: Moto, inboxObjects: number): Promise<string[][]> {
  // A bucket of its own, without notifications: the uploads need not fill the queue, and its requests are told apart.
  const bucket = 'cinedex-requests';
  await moto.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const store = (prefix: string) =>
    new S3Store({ bucket, prefix, endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS, requestTimeoutMs: 60_000 });
  const repository = new SnapshotRepository(store('catalogue/'));
  await publishCatalogue(repository, []);
  const inbox = store('inbox/');
  console.log(`  uploading ${inboxObjects.toLocaleString('en')} inbox objects…`);
  for (let start = 0; start < inboxObjects; start += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, inboxObjects - start) }, (_, k) =>
        inbox.put(
          `old/${String(start + k).padStart(6, '0')}.json`,
          Buffer.from(JSON.stringify([{ title: `Old ${start + k}`, year: 2000 }])),
        ),
      ),
    );
  }
  console.log('  applying them (one listing run)…');
  const ingest = ingestionAsDeployed(repository, inbox);
  await ingest();
  const rows: string[][] = [];
  for (const mode of ['listing (no queue)', 'notified (queue)'] as const) {
    const object = await inbox.put(
      `new/${mode.startsWith('listing') ? 'a' : 'b'}.json`,
      Buffer.from(JSON.stringify([{ title: mode, year: 2026 }])),
    );
    const from = moto.requests().length;
    const outcome = await ingest(mode.startsWith('listing') ? undefined : [object]);
    if (!outcome.published || outcome.applied.length !== 1) throw new Error(`the ${mode} run did not apply exactly the new object`);
    const kinds = requestKinds(
      moto
        .requests()
        .slice(from)
        .filter((r) => r.path.startsWith(`/${bucket}/`)),
    );
    const total = Object.values(kinds).reduce((a, b) => a + b, 0);
    rows.push([mode, String(kinds.LIST), String(kinds.GET), String(kinds.HEAD), String(kinds.PUT), String(total)]);
  }
  return rows;
}

function stepRow(what: string, values: readonly number[]): string[] {
  const s = summary(Float64Array.from(values));
  return [what, fmt(s.p50, 3), fmt(s.p90, 3), fmt(s.p99, 3), fmt(s.max, 3)];
}

export async function benchInboxQueue(puts = QUEUE_PUTS.read(), inboxObjects = QUEUE_INBOX_OBJECTS.read()): Promise<string> {
  const moto = await startMoto({ visibilityTimeoutSeconds: 300 });
  try {
    console.log(`inbox queue: ${puts} PUTs, one at a time, each until searchable…`);
    const times = await putToSearchable(moto, puts);
    const latency = summary(times.seconds);
    console.log(`  PUT → searchable: p50 ${fmt(latency.p50, 2)} s, p99 ${fmt(latency.p99, 2)} s, max ${fmt(latency.max, 2)} s`);
    console.log('inbox queue: S3 requests per run…');
    const requests = await requestsPerRun(moto, inboxObjects);
    return (
      `## The inbox queue (moto's S3 and SQS)\n\n` +
      `PUT → searchable: \`cinedex serve\` (one process: seeds, ingests on its thread, serves) on the seed catalogue with ` +
      `MOVIES_INBOX_QUEUE and no listing; ${puts} uploads of one new movie each, one at a time, from the PUT's return to ` +
      `the first search that finds it (polled every 10 ms).\n\n` +
      table(
        ['PUTs', 'p50 s', 'p90 s', 'p99 s', 'max s'],
        [[String(latency.count), fmt(latency.p50, 2), fmt(latency.p90, 2), fmt(latency.p99, 2), fmt(latency.max, 2)]],
      ) +
      `\n\nWhere the time goes: each step of each PUT, from the serving process's log (${times.warming.length} of ${puts} PUTs ` +
      `matched to their log lines):\n\n` +
      table(
        ['step', 'p50 s', 'p90 s', 'p99 s', 'max s'],
        [
          ...STEPS.map(([step, what]) => stepRow(what, times.steps[step])),
          stepRow('of which warming the response cache (MOVIES_WARM_QUERIES)', times.warming),
        ],
      ) +
      `\n\nS3 requests of one ingestion run applying one new object, with ${inboxObjects.toLocaleString('en')} inbox objects ` +
      `applied already (a one-movie catalogue: the catalogue's own objects are the same for both; LIST pages hold 1,000 keys):\n\n` +
      table(['run', 'LIST', 'GET', 'HEAD', 'PUT', 'total'], requests) +
      '\n'
    );
  } finally {
    await moto.close();
  }
}

runIfMain(import.meta.url, () => benchInboxQueue());
