/**
 * The inbox queue consumer against moto's S3 and SQS: the bucket's notifications, the queue's
 * redrive policy and the store are moto's own; the consumer is the product's (QueueWatcher with the
 * SQS adapter, behind IngestScheduler, ingestion reading the S3 inbox).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { DeleteObjectCommand, DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { StoreError } from '../../src/errors/errors.js';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { registerIngestMetrics } from '../../src/ingest/ingest-metrics.js';
import { runIngestion, type IngestOutcome } from '../../src/ingest/ingestion.js';
import { SqsInboxQueue, type InboxQueue } from '../../src/ingest/inbox-queue.js';
import { QueueWatcher, type QueueWatcherOptions } from '../../src/ingest/queue-watcher.js';
import { IngestScheduler } from '../../src/ingest/scheduler.js';
import { publishCatalogue, servedMovies, TEST_RETENTION } from '../support/catalogue-store.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import type { GetOptions, ObjectStore, StoredObject } from '../../src/store/object-store.js';
import { S3Store } from '../../src/store/s3-store.js';
import { waitFor } from '../support/cli-process.js';
import { refusedPort } from '../support/refused-port.js';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../support/moto-server.js';

let moto: Moto;
before(async () => {
  // Longer than a run of the whole burst on a busy machine, as deploy/aws's 300 s is longer than any run.
  moto = await startMoto({ maxReceiveCount: 3, visibilityTimeoutSeconds: 60 });
});
after(() => moto.close());

/** Log lines as objects, kept for the assertions. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

/**
 * A consumer over its own prefix of moto's bucket (so tests do not see each other's catalogue), its
 * runs counted. The queue is shared, so each test drains what it caused before it ends.
 */
async function consumer(
  name: string,
  overrides: Partial<QueueWatcherOptions> = {},
  server: Moto = moto,
  inbox: ObjectStore = server.store('inbox/'),
) {
  const repository = new SnapshotRepository(server.store(`${name}/catalogue/`));
  await publishCatalogue(repository, []);
  const { log, lines } = capturingLogger();
  const registry = new Registry();
  const metrics = registerIngestMetrics(registry);
  const runs: (readonly StoredObject[] | undefined)[] = [];
  const scheduler = new IngestScheduler(
    (objects) => {
      runs.push(objects);
      return runIngestion({ repository, inbox, maxObjectBytes: 1 << 20, log, retention: TEST_RETENTION, ...(objects ? { objects } : {}) });
    },
    log,
    () => {},
    metrics,
  );
  const queue = new SqsInboxQueue(server.queueUrl, { endpoint: server.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  const watcher = new QueueWatcher({
    queue,
    inbox: { bucket: server.bucket, prefix: 'inbox/' },
    ingest: (objects) => scheduler.run(objects),
    log,
    metrics,
    waitSeconds: 1,
    retryDelaySeconds: () => 0,
    ...overrides,
  });
  const titles = async () => {
    const current = await repository.current();
    assert.ok(current);
    return { sequence: current.pointer.sequence, titles: (await servedMovies(repository)).map((m) => m.title) };
  };
  /** Another watcher of this consumer's runs, over the real queue with some of its calls replaced. */
  const watcherWith = (replaced: Partial<InboxQueue>, waitSeconds = 1) =>
    new QueueWatcher({
      queue: {
        url: queue.url,
        receive: (wait, signal) => queue.receive(wait, signal),
        delete: (messages) => queue.delete(messages),
        retryLater: (message, seconds) => queue.retryLater(message, seconds),
        extendVisibility: (messages, seconds) => queue.extendVisibility(messages, seconds),
        attributes: () => queue.attributes(),
        ...replaced,
      },
      inbox: { bucket: server.bucket, prefix: 'inbox/' },
      ingest: (objects) => scheduler.run(objects),
      log,
      waitSeconds,
    });
  return { repository, scheduler, watcher, watcherWith, queue, log, lines, registry, runs, titles };
}

async function queueDepth(url = moto.queueUrl, server = moto): Promise<number> {
  const out = await server.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible);
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

const movie = (title: string) => JSON.stringify([{ title, year: 2026, cast: ['Someone'], genres: ['Drama'] }]);

/**
 * Uploads in the burst: enough that they cannot all be one run's (notifications arrive while a run works). It was
 * 500, which took 26 s on a quiet machine and over 180 s at a load average of 12 (moto's Python server on two busy
 * cores): the point is many notifications becoming few runs, not how many.
 */
const BURST = 200;

test(`S3's test event and a burst of ${BURST} uploads become a handful of runs; every object applied once; every message deleted`, async (t) => {
  const c = await consumer('burst');
  c.watcher.start();
  try {
    await Promise.all(Array.from({ length: BURST }, (_, i) => moto.put(`burst/${String(i).padStart(3, '0')}.json`, movie(`Burst ${i}`))));
    await waitFor(async () => (await c.titles()).titles.length === BURST, 180_000, `the ${BURST} movies`);
    await waitFor(async () => (await queueDepth()) === 0, 20_000, 'an empty queue');
  } finally {
    await c.watcher.stop();
  }
  const notified = c.runs.filter((r) => r !== undefined);
  t.diagnostic(`${BURST} notifications, ${notified.length} runs of ${notified.map((r) => r.length).join(', ')} objects`);
  assert.ok(notified.length >= 1 && notified.length <= 15, `${BURST} notifications took ${notified.length} runs`);
  assert.equal(
    notified.reduce((n, r) => n + r.length, 0),
    BURST,
    'each object was read by one run',
  );
  assert.ok(
    c.lines.some((l) => /test event/.test(String(l.msg))),
    "S3's test event was recognised",
  );
  assert.equal(await metricValue(c.registry, 'cinedex_inbox_queue_messages_total', { outcome: 'handled' }), BURST + 1);
  assert.equal(await metricValue(c.registry, 'cinedex_ingest_runs_total', { outcome: 'published' }), notified.length);
  assert.equal(await metricValue(c.registry, 'cinedex_ingest_visible_seconds', {}), 0, 'a histogram has no plain value');
  const visible = (await c.registry.getMetricsAsJSON()).find((m) => m.name === 'cinedex_ingest_visible_seconds');
  assert.equal(
    visible?.values.find((v) => (v as { metricName?: string }).metricName === 'cinedex_ingest_visible_seconds_count')?.value,
    BURST,
  );
  // The next tests' reconciliations list the inbox: they need not read these again.
  const keys = Array.from({ length: BURST }, (_, i) => ({ Key: `inbox/burst/${String(i).padStart(3, '0')}.json` }));
  const removed = await moto.s3.send(new DeleteObjectsCommand({ Bucket: moto.bucket, Delete: { Objects: keys } }));
  assert.equal(removed.Deleted?.length, BURST);
});

test('a crash after publishing and before deleting loses nothing and applies nothing twice', async () => {
  // A short visibility timeout of its own, so that the message comes back soon after the "crash": its own bucket and
  // queue in the shared moto, which no other test's uploads notify.
  const server = await moto.isolated('crash', { visibilityTimeoutSeconds: 2 });
  try {
    let crashed = false;
    const c = await consumer('crash', {}, server);
    // The consumer "dies" between the publish and the delete: its deletes never reach the queue.
    const first = c.watcherWith({
      delete: async (messages) => {
        if (messages.length > 0) crashed = true;
        return [...messages];
      },
      retryLater: () => Promise.resolve(),
    });
    first.start();
    await server.put('crash/once.json', movie('Crash Once'));
    await waitFor(async () => crashed && (await c.titles()).titles.length === 1, 20_000, 'the publish before the crash');
    await first.stop();
    const published = await c.titles();
    assert.deepEqual(published.titles, ['Crash Once']);
    assert.equal(await queueDepth(server.queueUrl, server), 2, "the object's message (and S3's test event) are still in the queue");

    // The restarted consumer gets them again (their visibility timeout ran out) and finds the object applied.
    c.watcher.start();
    try {
      // Both handled by this consumer, then the queue empty: the depth alone read 0 once before its run had been
      // counted (a quiet full run, 2026-12-06), so it is not the event this waits for.
      await waitFor(
        async () =>
          (await metricValue(c.registry, 'cinedex_inbox_queue_messages_total', { outcome: 'handled' })) === 2 &&
          (await queueDepth(server.queueUrl, server)) === 0,
        20_000,
        'the messages handled and deleted by the next consumer',
      );
    } finally {
      await c.watcher.stop();
    }
    assert.deepEqual(await c.titles(), published, 'no new version: the object was applied once');
    assert.equal(await metricValue(c.registry, 'cinedex_ingest_runs_total', { outcome: 'nothing_new' }), 1);
    assert.equal(await metricValue(c.registry, 'cinedex_inbox_queue_messages_total', { outcome: 'handled' }), 2);
  } finally {
    await server.close();
  }
});

/** moto's inbox, except that reading poison/stuck.json fails as a timing-out S3 does: worth retrying, until the queue gives up. */
class PoisonedInbox extends S3Store {
  override async get(key: string, options?: GetOptions) {
    if (key === 'poison/stuck.json')
      throw new StoreError(`S3 get ${key} in ${this.location} failed after 2 attempts: TimeoutError: injected`);
    return super.get(key, options);
  }
}

/** moto's S3, each read of an inbox object taking `delayMs` longer: a run as slow as a large conversion. */
class SlowS3Store extends S3Store {
  constructor(
    server: Moto,
    prefix: string,
    private readonly delayMs: number,
  ) {
    super(server.storeOptions(prefix));
  }

  override async get(key: string, options?: GetOptions) {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return super.get(key, options);
  }
}

test('a run longer than the visibility timeout keeps its messages invisible until it deletes them', async () => {
  // A 2 s visibility timeout and a run of over 6 s: the message would be back three times without the heartbeat.
  // Its own bucket and queue in the shared moto, as the crash test's.
  const server = await moto.isolated('slow', { visibilityTimeoutSeconds: 2 });
  try {
    const c = await consumer('slow', {}, server, new SlowS3Store(server, 'inbox/', 6000));
    c.watcher.start();
    // Each look at the queue while the run still held its message (no title published yet), by when it was taken.
    const looks: { readonly at: number; readonly visible: number }[] = [];
    try {
      await server.put('slow/large.json', movie('Slow Run'));
      await waitFor(() => Promise.resolve(c.runs.some((r) => r !== undefined)), 20_000, 'the run to start');
      const visible = async () =>
        Number(
          (
            await server.sqs.send(
              new GetQueueAttributesCommand({ QueueUrl: server.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
            )
          ).Attributes?.ApproximateNumberOfMessages,
        );
      // The look first, then the titles: a look followed by no title was taken before the run published, so before
      // it deleted its message, when only the heartbeat keeps the message hidden.
      for (;;) {
        const look = { at: Date.now(), visible: await visible() };
        if ((await c.titles()).titles.length > 0) break;
        looks.push(look);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await waitFor(async () => (await queueDepth(server.queueUrl, server)) === 0, 10_000, 'the message deleted');
    } finally {
      await c.watcher.stop();
    }
    // Not a count of looks (a loaded machine makes each look slower): a look past the point where, without the
    // heartbeat, the message would have been visible again. The receipt's log line dates when its timeout started.
    const received = c.lines.find((l) => l.msg === 'inbox notifications received');
    const expiresAt = Number(received?.time) + 2000;
    assert.ok(
      looks.some((l) => l.at > expiresAt + 500),
      `the queue was looked at after the visibility timeout had run out (looks at ${looks.map((l) => l.at - expiresAt).join(', ')} ms past it)`,
    );
    assert.deepEqual(
      looks.filter((l) => l.visible > 0),
      [],
      'no message came back while the run held it',
    );
    assert.deepEqual((await c.titles()).titles, ['Slow Run']);
    assert.equal(c.runs.filter((r) => r !== undefined).length, 1, 'one notified run: the message was not received again');
    assert.deepEqual(
      c.lines.filter((l) => l.msg === 'inbox notifications received').reduce((n, l) => n + Number(l.messages), 0),
      await metricValue(c.registry, 'cinedex_inbox_queue_messages_total', { outcome: 'handled' }),
      'each message received once, and handled',
    );
    assert.ok((await metricValue(c.registry, 'cinedex_inbox_queue_visibility_extensions_total', { outcome: 'extended' })) >= 2);
    assert.equal(await metricValue(c.registry, 'cinedex_inbox_queue_visibility_extensions_total', { outcome: 'failed' }), 0);
  } finally {
    await server.close();
  }
});

test('a poison object fails its message on each try, with the reason logged, then the queue dead-letters it; the others apply', async () => {
  const inbox = new PoisonedInbox({
    bucket: moto.bucket,
    prefix: 'inbox/',
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: MOTO_CREDENTIALS,
  });
  const c = await consumer('poison', {}, moto, inbox);
  c.watcher.start();
  try {
    await moto.put('poison/stuck.json', movie('Never Read'));
    await moto.put('poison/fine.json', movie('Fine'));
    await waitFor(async () => (await queueDepth(moto.deadLetterQueueUrl)) === 1, 30_000, 'the dead-lettered message');
    await waitFor(async () => (await queueDepth()) === 0, 20_000, 'an empty queue');
  } finally {
    await c.watcher.stop();
  }
  assert.deepEqual((await c.titles()).titles, ['Fine']);
  const failures = c.lines.filter((l) => /inbox notification failed/.test(String(l.msg)));
  assert.deepEqual(
    failures.map((l) => l.receiveCount),
    [1, 2, 3],
    'one failure per try, up to maxReceiveCount',
  );
  for (const failure of failures) {
    assert.deepEqual(failure.objects, ['poison/stuck.json']);
    assert.match(String(failure.reason), /injected/);
  }
  assert.match(String(failures.at(-1)?.msg), /dead-letter/);
  assert.equal(await metricValue(c.registry, 'cinedex_inbox_queue_messages_total', { outcome: 'failed' }), 2);
  assert.equal(await metricValue(c.registry, 'cinedex_inbox_queue_messages_total', { outcome: 'dead_lettered' }), 1);
  const dead = await moto.sqs.send(new ReceiveMessageCommand({ QueueUrl: moto.deadLetterQueueUrl, MaxNumberOfMessages: 10 }));
  assert.match(dead.Messages?.[0]?.Body ?? '', /poison%2Fstuck\.json|poison\/stuck\.json/);
  await moto.sqs.send(new DeleteMessageCommand({ QueueUrl: moto.deadLetterQueueUrl, ReceiptHandle: dead.Messages?.[0]?.ReceiptHandle }));
  // A listing run fails on it too (reading it fails the run): the next test's reconciliation must not meet it.
  await moto.s3.send(new DeleteObjectCommand({ Bucket: moto.bucket, Key: 'inbox/poison/stuck.json' }));
});

test('a notification lost on purpose: the reconciliation listing finds the object', async () => {
  const c = await consumer('lost');
  await moto.put('lost/quiet.json', movie('Lost Notification'));
  // The notification goes missing before any consumer sees it. Whatever else the shared queue holds
  // (S3's test event, when this test runs first) is held aside meanwhile, then left to the consumer.
  const aside: string[] = [];
  let lost = false;
  await waitFor(
    async () => {
      const received = await moto.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: moto.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of received.Messages ?? []) {
        if (/lost(%2F|\/)quiet\.json/.test(m.Body ?? '')) {
          lost = true;
          await moto.sqs.send(new DeleteMessageCommand({ QueueUrl: moto.queueUrl, ReceiptHandle: m.ReceiptHandle }));
        } else aside.push(m.ReceiptHandle as string);
      }
      return lost;
    },
    10_000,
    'the notification',
  );
  for (const handle of aside)
    await moto.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: moto.queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }));
  c.watcher.start();
  try {
    assert.deepEqual((await c.titles()).titles, []);
    const outcome = (await c.scheduler.runOnce()) as IngestOutcome;
    assert.ok(outcome.published);
    assert.ok(outcome.applied.some((o) => o.key === 'lost/quiet.json'));
  } finally {
    await c.watcher.stop();
  }
  assert.ok((await c.titles()).titles.includes('Lost Notification'));
  assert.deepEqual(
    c.runs.filter((r) => r !== undefined),
    [],
    'no notified run: the listing found it',
  );
});

test('an unreachable queue is retried with growing pauses, and says why', async () => {
  // Held refusing throughout: a port found free could be taken by another test file's server (another moto) meanwhile.
  const { port: closed, release } = await refusedPort();
  const c = await consumer('unreachable', {
    queue: new SqsInboxQueue(`http://127.0.0.1:${closed}/123456789012/cinedex-inbox`, {
      endpoint: `http://127.0.0.1:${closed}`,
      region: 'us-east-1',
      credentials: MOTO_CREDENTIALS,
      maxAttempts: 1,
    }),
    unreachableBackoffMs: { first: 50, max: 200 },
  });
  c.watcher.start();
  try {
    await waitFor(() => Promise.resolve(c.lines.filter((l) => /cannot be reached/.test(String(l.msg))).length >= 5), 20_000, 'five tries');
  } finally {
    await c.watcher.stop();
    await release();
  }
  const tries = c.lines.filter((l) => /cannot be reached/.test(String(l.msg)));
  assert.deepEqual(
    tries.slice(0, 5).map((l) => l.retryInMs),
    [50, 100, 200, 200, 200],
  );
  assert.match(JSON.stringify(tries[0]?.err), /ECONNREFUSED|QUEUE_ERROR/);
  assert.match(c.watcher.state.lastError ?? '', /SQS: could not/);
  assert.deepEqual(c.runs, []);
});

test('an archived object (InvalidObjectState) is rejected into the ledger with the reason, its message deleted; the others apply', async () => {
  const c = await consumer('archived');
  c.watcher.start();
  const rejected = () => c.lines.find((l) => l.msg === 'inbox object processed' && l.object === 'archived/glacier.json');
  try {
    // Restoring it would be someone's decision, not the next run's: no run may fail on it meanwhile.
    await moto.put('archived/glacier.json', movie('Never Read'), { StorageClass: 'GLACIER' });
    await moto.put('archived/fine.json', movie('Fine'));
    const handled = () => metricValue(c.registry, 'cinedex_inbox_queue_messages_total', { outcome: 'handled' });
    // Both messages handled (deleted), the rejected object's too; the shared queue may hold other tests' leftovers.
    await waitFor(
      async () => rejected() !== undefined && (await c.titles()).titles.includes('Fine') && (await handled()) >= 2,
      30_000,
      'both objects handled and their messages deleted',
    );
  } finally {
    await c.watcher.stop();
  }
  assert.deepEqual((await c.titles()).titles, ['Fine']);
  assert.equal(rejected()?.status, 'rejected');
  assert.match(String(rejected()?.reason), /InvalidObjectState/);
  assert.equal(await queueDepth(moto.deadLetterQueueUrl), 0, 'nothing dead-lettered');
  assert.equal(await metricValue(c.registry, 'cinedex_inbox_queue_messages_total', { outcome: 'failed' }), 0);
  await moto.s3.send(new DeleteObjectCommand({ Bucket: moto.bucket, Key: 'inbox/archived/glacier.json' }));
});

test('a stopping watcher lets its long poll finish and makes what it brought visible again at once', async () => {
  const c = await consumer('stop', {});
  let polling: () => void = () => {};
  const polled = new Promise<void>((resolve) => (polling = resolve));
  // The real queue, telling when the long poll is under way; a long wait, so the upload lands in it.
  const watcher = c.watcherWith(
    {
      receive: (wait, signal) => {
        if (wait > 0) polling();
        return c.queue.receive(wait, signal);
      },
    },
    20,
  );
  watcher.start();
  await polled;
  const stopped = watcher.stop();
  await moto.put('stop/late.json', movie('Arrived While Stopping'));
  assert.equal(await stopped, true);
  const released = c.lines.find((l) => /visible again for the next consumer/.test(String(l.msg)));
  assert.ok(released, 'the long poll brought the notification in after stop was asked for');
  assert.ok(Number(released.messages) >= 1);
  assert.deepEqual(c.runs, [], 'no run after stop');
  // Visible now, not after the 60 s visibility timeout: the next consumer takes it and applies it.
  const visible = await moto.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: moto.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  assert.ok(Number(visible.Attributes?.ApproximateNumberOfMessages) >= 1, 'the released notification is visible');
  c.watcher.start();
  try {
    await waitFor(async () => (await c.titles()).titles.includes('Arrived While Stopping'), 30_000, 'the next consumer to apply it');
  } finally {
    await c.watcher.stop();
  }
  await waitFor(async () => (await queueDepth()) === 0, 20_000, 'an empty queue');
});
