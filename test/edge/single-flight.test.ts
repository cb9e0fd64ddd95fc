import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencyLimit } from '../../src/edge/concurrency-limit.js';
import { SingleFlight } from '../../src/edge/single-flight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('concurrent runs with one key share one execution; other keys run on their own', async () => {
  const flights = new SingleFlight<string>();
  const gate = deferred<string>();
  let runs = 0;
  const work = () => {
    runs++;
    return gate.promise;
  };
  const calls = Array.from({ length: 10 }, () => flights.run('k', work));
  const other = flights.run('other', async () => 'other');
  assert.equal(runs, 1);
  assert.equal(flights.size, 2);
  gate.resolve('value');
  assert.deepEqual(await Promise.all(calls), Array(10).fill('value'));
  assert.equal(await other, 'other');
  assert.equal(flights.size, 0);
});

test('the key is free again once a run settles: results and failures are not remembered', async () => {
  const flights = new SingleFlight<number>();
  let runs = 0;
  assert.equal(await flights.run('k', async () => ++runs), 1);
  assert.equal(await flights.run('k', async () => ++runs), 2);
  const failing = deferred<number>();
  const a = flights.run('k', () => failing.promise);
  const b = flights.run('k', async () => 99);
  failing.reject(new Error('origin down'));
  await assert.rejects(a, /origin down/);
  await assert.rejects(b, /origin down/, 'a joiner sees the same failure');
  assert.equal(flights.has('k'), false);
  assert.equal(await flights.run('k', async () => 7), 7);
});

test('a synchronous throw is shared like a rejection and frees the key', async () => {
  const flights = new SingleFlight<number>();
  await assert.rejects(
    flights.run('k', () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(flights.size, 0);
});

test('ConcurrencyLimit: at most max holders, the rest served first come first served', async () => {
  const limit = new ConcurrencyLimit(2);
  const order: number[] = [];
  const releases = await Promise.all([limit.acquire(), limit.acquire()]);
  assert.equal(limit.running, 2);
  const waiting = [3, 4, 5].map((n) => limit.acquire().then((release) => (order.push(n), release)));
  await new Promise((r) => setImmediate(r));
  assert.equal(limit.waiting, 3);
  assert.deepEqual(order, []);
  releases[0]?.();
  releases[0]?.(); // a second release gives nothing back
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [3]);
  assert.equal(limit.running, 2);
  releases[1]?.();
  (await (waiting[0] as Promise<() => void>))();
  await Promise.all(waiting.slice(1)).then((rs) => rs.forEach((r) => r()));
  assert.deepEqual(order, [3, 4, 5]);
  assert.equal(limit.running, 0);
  assert.equal(limit.waiting, 0);
});

test('ConcurrencyLimit: an aborted waiter leaves the queue and never takes a slot', async () => {
  const limit = new ConcurrencyLimit(1);
  const release = await limit.acquire();
  const controller = new AbortController();
  const gave = limit.acquire(controller.signal);
  const next = limit.acquire();
  controller.abort(new Error('deadline'));
  await assert.rejects(gave, /deadline/);
  assert.equal(limit.waiting, 1);
  release();
  (await next)();
  assert.equal(limit.running, 0);
  await assert.rejects(limit.acquire(AbortSignal.abort(new Error('already'))), /already/);
});
