/**
 * The drain's close budget over a real server and real sockets: a request that outlives the budget
 * is cut and counted in cinedex_drain_overrun_total; one that finishes within it is answered and
 * counts nothing. And a drain period ended early (a second signal).
 */
import { afterEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Drain } from '../../src/runtime/drain.js';
import { registerDrainMetrics } from '../../src/runtime/drain-metrics.js';
import { settlesWithin } from '../../src/runtime/settles-within.js';

/** What each test leaves open, ended after it whatever happened: a failed test must not hold the file open. */
const leftOpen: (() => void)[] = [];
afterEach(() => {
  mock.timers.reset();
  for (const end of leftOpen.splice(0)) end();
});

/**
 * A server whose every request waits until the test answers it, drained with a 0.3 s close budget, after a drain
 * period of `drainSeconds` on the drain's own timer, or none.
 */
async function drainedServer(drainSeconds?: number) {
  const pending: ServerResponse[] = [];
  const server = createServer((_request, response) => void pending.push(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  leftOpen.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const port = (server.address() as { port: number }).port;
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  const registry = new Registry();
  const metrics = registerDrainMetrics(registry);
  const drain = new Drain({
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    closeBudgetSeconds: 0.3,
    cut: () => server.closeAllConnections(),
    overrun: metrics.overrun,
    log,
    // Without a period, for the tests of the close budget that follows it.
    ...(drainSeconds === undefined ? { wait: () => Promise.resolve() } : { drainSeconds }),
  });
  /** A GET that settles with its status, or with the error that ended it. */
  const get = () =>
    new Promise<number | Error>((resolve) => {
      request({ port, host: '127.0.0.1', path: '/' }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
        .on('error', resolve)
        .end();
    });
  const arrived = async (count: number) => {
    while (pending.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const overruns = async () => (await registry.getSingleMetric('cinedex_drain_overrun_total')?.get())?.values[0]?.value;
  return { pending, drain, get, arrived, overruns, lines };
}

/** Lets `n` turns of the event loop run (setImmediate is not mocked): the I/O and promises that were due have run. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The drain's timers (its period and its close budget) run on a mocked clock, which only the test moves: what happens
 * before the budget is spent and what happens after it are then in the order the test sets, however slow the machine.
 * The sockets are real. Returns the drain's promise (wrapped: a promise would be flattened), the close begun and the
 * budget's timer set.
 */
async function drainOnMockedClock(s: Awaited<ReturnType<typeof drainedServer>>): Promise<{ drained: Promise<void> }> {
  mock.timers.enable({ apis: ['setTimeout'] });
  const drained = s.drain.run('test');
  await turns(3);
  assert.ok(
    s.lines.some((l) => /drain period over/.test(String(l.msg))),
    'the close has begun',
  );
  return { drained };
}

test('a request still in flight when the close budget is spent is cut, logged and counted', async () => {
  const s = await drainedServer();
  assert.equal(await s.overruns(), 0, 'the series exists before any overrun');
  let outcome: number | Error | undefined;
  const stuck = s.get().then((o) => (outcome = o));
  await s.arrived(1);
  let drained: Promise<void>;
  try {
    ({ drained } = await drainOnMockedClock(s));
    mock.timers.tick(299);
    await turns(3);
    assert.equal(await s.overruns(), 0, 'nothing is cut before the budget (0.3 s) is spent');
    assert.equal(outcome, undefined, 'the request is still in flight');
    mock.timers.tick(1);
    await turns(3);
  } finally {
    mock.timers.reset();
  }
  assert.ok(await settlesWithin(drained, 30_000), 'the drain ended once the budget was spent');
  assert.ok((await stuck) instanceof Error, 'the stuck request was cut');
  assert.equal(await s.overruns(), 1);
  assert.ok(s.lines.some((l) => l.level === 50 && /drain overran/.test(String(l.msg))));
});

test('a request that finishes within the close budget is answered, and nothing is counted', async () => {
  const s = await drainedServer();
  const slow = s.get();
  await s.arrived(1);
  let drained: Promise<void>;
  try {
    ({ drained } = await drainOnMockedClock(s));
    mock.timers.tick(299);
    await turns(3);
    // Answered once the close has begun and 299 ms of the 300 ms budget are gone, as cinedex's servers answer while
    // draining (Connection: close, so the connection does not stay open idle); the budget's clock then stands still.
    s.pending[0]?.writeHead(200, { connection: 'close' }).end('done');
  } finally {
    // The budget's timer is dropped unfired: from here only the request's end can end the drain.
    mock.timers.reset();
  }
  assert.ok(await settlesWithin(drained, 30_000), 'the drain ended once the request was answered');
  assert.equal(await slow, 200);
  assert.equal(await s.overruns(), 0);
  assert.ok(!s.lines.some((l) => /drain overran/.test(String(l.msg))));
});

test('a drain period ended early (a second signal) closes at once, and the request in flight still finishes', async () => {
  // A minute: far from the moment the test takes, and short enough that a failure here does not hold the file (the
  // period's timer keeps the process alive) past the minute.
  const s = await drainedServer(60);
  const inFlight = s.get();
  await s.arrived(1);
  const drained = s.drain.run('SIGTERM');
  await turns(3);
  assert.equal(s.drain.isDraining, true);
  assert.ok(!s.lines.some((l) => /drain period over/.test(String(l.msg))), 'the minute-long period is on');
  s.drain.endPeriod('second SIGTERM');
  s.drain.endPeriod('third SIGTERM');
  await turns(3);
  assert.ok(
    s.lines.some((l) => /drain period over/.test(String(l.msg))),
    'the close began once the period was ended',
  );
  s.pending[0]?.writeHead(200, { connection: 'close' }).end('done');
  // A bound for a period that would not end, far from the moment it takes.
  assert.ok(await settlesWithin(drained, 30_000), 'the drain ended with its period');
  assert.equal(await inFlight, 200);
  assert.deepEqual(
    s.lines.filter((l) => l.msg === 'drain period ended early').map((l) => l.reason),
    ['second SIGTERM'],
    'ended once, and said why',
  );
  assert.equal(await s.overruns(), 0);
});
