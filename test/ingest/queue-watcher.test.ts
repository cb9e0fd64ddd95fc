/**
 * The consumer's decisions with a queue held in memory: which messages it deletes, which it fails,
 * and how many runs it takes to get past an object a run fails on. The real SQS and S3 are in
 * inbox-queue.moto.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { IngestOutcome } from '../../src/ingest/ingestion.js';
import type { InboxQueue, QueueMessage } from '../../src/ingest/inbox-queue.js';
import { QueueWatcher } from '../../src/ingest/queue-watcher.js';
import type { StoredObject } from '../../src/store/object-store.js';
import { waitFor } from '../support/cli-process.js';

const INBOX = { bucket: 'bucket', prefix: 'inbox/' };

function notification(key: string, etag = `etag-${key}`): string {
  return JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-12-04T10:00:00.000Z',
        s3: { bucket: { name: 'bucket' }, object: { key: encodeURIComponent(`inbox/${key}`), size: 2, eTag: etag } },
      },
    ],
  });
}

/** A queue that hands out `bodies` once, then nothing, and records what the consumer did with each. */
function memoryQueue(bodies: readonly string[], receiveCount = 1) {
  const messages: QueueMessage[] = bodies.map((body, i) => ({
    id: `m${i}`,
    receiptHandle: `r${i}`,
    body,
    receiveCount,
    sentAt: new Date(),
  }));
  let given = false;
  const deleted: string[] = [];
  const retried: [string, number][] = [];
  const extended: [string[], number][] = [];
  const queue: InboxQueue = {
    url: 'memory://inbox',
    receive: async (wait) => {
      if (!given) {
        given = true;
        return [...messages];
      }
      if (wait > 0) await new Promise((r) => setTimeout(r, 5));
      return [];
    },
    delete: async (done) => {
      deleted.push(...done.map((m) => m.id));
      return [];
    },
    retryLater: async (message, seconds) => {
      retried.push([message.id, seconds]);
    },
    extendVisibility: async (held, seconds) => {
      extended.push([held.map((m) => m.id), seconds]);
      return [];
    },
    attributes: async () => ({ maxReceiveCount: 3, visibilityTimeoutSeconds: 30 }),
  };
  return { queue, deleted, retried, extended, handled: () => deleted.length + retried.length === messages.length };
}

const outcome = (applied: readonly StoredObject[]): IngestOutcome => ({ published: false, reason: 'test', applied, alreadyApplied: [] });

test('one unreadable object among many: the others are applied and deleted, its message alone fails, in a few runs', async () => {
  const keys = Array.from({ length: 16 }, (_, i) => `acme/${i}.json`);
  const m = memoryQueue([...keys.map((k) => notification(k)), JSON.stringify({ Event: 's3:TestEvent' })]);
  const runs: string[][] = [];
  const watcher = new QueueWatcher({
    queue: m.queue,
    inbox: INBOX,
    log: pino({ level: 'silent' }),
    waitSeconds: 1,
    ingest: async (objects) => {
      runs.push(objects.map((o) => o.key));
      if (objects.some((o) => o.key === 'acme/11.json')) throw new Error('InvalidObjectState: archived');
      return outcome(objects);
    },
  });
  watcher.start();
  await waitFor(() => Promise.resolve(m.handled()), 5000, 'every message handled');
  await watcher.stop();
  assert.deepEqual(m.retried, [['m11', 10]], 'the first retry waits 10 s');
  assert.deepEqual(m.deleted.sort(), [...keys.map((_, i) => `m${i}`).filter((id) => id !== 'm11'), 'm16'].sort());
  // 16 objects: the whole batch, then halves down to the one (2 runs per level, 4 levels).
  assert.equal(runs.length, 1 + 2 * 4);
  assert.deepEqual(runs.at(-1), ['acme/11.json']);
});

test('a run that fails whatever it reads (the store is down) is not split further than once', async () => {
  const m = memoryQueue(Array.from({ length: 16 }, (_, i) => notification(`acme/${i}.json`)));
  let runs = 0;
  const watcher = new QueueWatcher({
    queue: m.queue,
    inbox: INBOX,
    log: pino({ level: 'silent' }),
    waitSeconds: 1,
    ingest: () => {
      runs++;
      return Promise.reject(new Error('S3 unreachable'));
    },
  });
  watcher.start();
  await waitFor(() => Promise.resolve(m.handled()), 5000, 'every message handled');
  await watcher.stop();
  assert.equal(runs, 3, 'the batch, then its two halves');
  assert.equal(m.retried.length, 16);
  assert.deepEqual(m.deleted, []);
});

test('on its last try a failing message is counted dead-lettered and released at once; a message that is no notification fails', async () => {
  const m = memoryQueue(['not json at all'], 3);
  const lines: { msg: string; reason?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
  const watcher = new QueueWatcher({ queue: m.queue, inbox: INBOX, log, waitSeconds: 1, ingest: () => Promise.resolve(outcome([])) });
  watcher.start();
  await waitFor(() => Promise.resolve(m.handled()), 5000, 'the message handled');
  await watcher.stop();
  assert.deepEqual(m.retried, [['m0', 0]]);
  const failure = lines.find((l) => /dead-letter/.test(l.msg));
  assert.match(failure?.reason ?? '', /not JSON/);
});

test('an object applied before (by the listing, or a run before a crash) deletes its message without a new version', async () => {
  const m = memoryQueue([notification('acme/old.json')]);
  const watcher = new QueueWatcher({
    queue: m.queue,
    inbox: INBOX,
    log: pino({ level: 'silent' }),
    waitSeconds: 1,
    ingest: (objects) => Promise.resolve({ published: false, reason: 'no new inbox objects', applied: [], alreadyApplied: objects }),
  });
  watcher.start();
  await waitFor(() => Promise.resolve(m.handled()), 5000, 'the message handled');
  await watcher.stop();
  assert.deepEqual(m.deleted, ['m0']);
});

/** A started watcher over `queue` whose one run takes `runMs` (forever when undefined), once that run has begun. */
async function watcherInRun(queue: InboxQueue, runMs?: number) {
  let started = false;
  const watcher = new QueueWatcher({
    queue,
    inbox: INBOX,
    log: pino({ level: 'silent' }),
    waitSeconds: 1,
    ingest: (objects) => {
      started = true;
      return new Promise((resolve) => runMs !== undefined && setTimeout(() => resolve(outcome(objects)), runMs));
    },
  });
  watcher.start();
  await waitFor(() => Promise.resolve(started), 5000, 'the run to start');
  return watcher;
}

test('stopping within a budget: a run that outlasts it is abandoned and its messages are made visible at once; one that ends in time is settled', async () => {
  const stuck = memoryQueue([notification('acme/stuck.json'), notification('acme/other.json')]);
  assert.equal(await (await watcherInRun(stuck.queue)).stop(50), false, 'the run was abandoned');
  assert.deepEqual(stuck.extended, [[['m0', 'm1'], 0]], 'the held messages visible again, for the next consumer');
  assert.deepEqual(stuck.deleted, [], 'nothing deleted: the run did not finish');

  const quick = memoryQueue([notification('acme/quick.json')]);
  assert.equal(await (await watcherInRun(quick.queue, 100)).stop(5000), true, 'the run finished within the budget');
  assert.deepEqual(quick.deleted, ['m0']);
  assert.deepEqual(quick.extended, []);
});
