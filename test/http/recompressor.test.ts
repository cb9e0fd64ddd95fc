import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Recompressor } from '../../src/http/recompressor.js';

/** A job the test finishes by hand, after moving the fake clock by what it "cost". */
function manualJob(started: string[], name: string): { job: () => Promise<void>; finish: () => void } {
  let finish = (): void => undefined;
  const job = (): Promise<void> => {
    started.push(name);
    return new Promise((resolve) => (finish = resolve));
  };
  return { job, finish: () => finish() };
}

test('jobs run one at a time in the order offered, a key queued or running is offered once, and idle settles after the last', async () => {
  const recompressor = new Recompressor({ msPerSecond: 1000 });
  const started: string[] = [];
  const a = manualJob(started, 'a');
  const b = manualJob(started, 'b');
  assert.equal(recompressor.offer('a', a.job), true);
  assert.equal(recompressor.offer('b', b.job), true);
  assert.equal(recompressor.offer('a', manualJob(started, 'a again').job), true, 'running already: taken as offered');
  assert.equal(recompressor.offer('b', manualJob(started, 'b again').job), true, 'queued already: taken as offered');
  assert.deepEqual(started, ['a']);
  assert.equal(recompressor.stats.queued, 2);
  let idle = false;
  const settled = recompressor.idle().then(() => (idle = true));
  a.finish();
  await nextTurn();
  assert.deepEqual(started, ['a', 'b']);
  assert.equal(idle, false);
  b.finish();
  await settled;
  assert.deepEqual(recompressor.stats, { done: 2, skipped: 0, failed: 0, queued: 0 });
});

test('a job is charged its elapsed time: in debt, the next waits until the budget has refilled it', async () => {
  let now = 0;
  const recompressor = new Recompressor({ msPerSecond: 1000 }, () => now);
  const started: string[] = [];
  const a = manualJob(started, 'a');
  const b = manualJob(started, 'b');
  recompressor.offer('a', a.job);
  recompressor.offer('b', b.job);
  // The bucket holds one second's worth: a job of 1.02 s leaves it 20 ms in debt.
  now += 1020;
  a.finish();
  await nextTurn();
  assert.deepEqual(started, ['a'], 'in debt: b waits');
  now += 20;
  const bStarted = new Promise<void>((resolve) => {
    const check = (): void => void (started.includes('b') ? resolve() : setTimeout(check, 5));
    check();
  });
  await bStarted;
  b.finish();
  await recompressor.idle();
  assert.equal(recompressor.stats.done, 2);
});

test('past its queue an offer is skipped; a failed job is counted and the next runs; no budget means off; close drops the queue', async () => {
  const recompressor = new Recompressor({ msPerSecond: 1000, maxQueued: 1 });
  const started: string[] = [];
  const a = manualJob(started, 'a');
  recompressor.offer('a', a.job);
  assert.equal(
    recompressor.offer('b', () => Promise.reject(new Error('zlib failed'))),
    true,
  );
  assert.equal(recompressor.offer('c', manualJob(started, 'c').job), false, 'the queue is full');
  a.finish();
  await recompressor.idle();
  assert.deepEqual(recompressor.stats, { done: 1, skipped: 1, failed: 1, queued: 0 });

  const off = new Recompressor({ msPerSecond: 0 });
  assert.equal(off.offer('a', manualJob(started, 'never').job), false);
  assert.deepEqual(off.stats, { done: 0, skipped: 0, failed: 0, queued: 0 });

  const closing = new Recompressor({ msPerSecond: 1000 });
  const running = manualJob(started, 'running');
  closing.offer('running', running.job);
  closing.offer('queued', manualJob(started, 'queued').job);
  closing.close();
  running.finish();
  await closing.idle();
  assert.equal(started.includes('queued'), false);
});
