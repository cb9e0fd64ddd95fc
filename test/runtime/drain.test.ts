/**
 * The drain's close budget over a real server and real sockets: a request that outlives the budget
 * is cut and counted in cinedex_drain_overrun_total; one that finishes within it is answered and
 * counts nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Drain } from '../../src/runtime/drain.js';
import { registerDrainMetrics } from '../../src/runtime/drain-metrics.js';

/** A server whose every request waits until the test answers it, drained with a 0.3 s close budget. */
async function drainedServer() {
  const pending: ServerResponse[] = [];
  const server = createServer((_request, response) => void pending.push(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
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

test('a request still in flight when the close budget is spent is cut, logged and counted', async () => {
  const s = await drainedServer();
  assert.equal(await s.overruns(), 0, 'the series exists before any overrun');
  const stuck = s.get();
  await s.arrived(1);
  const startedAt = performance.now();
  await s.drain.run('test');
  const tookMs = performance.now() - startedAt;
  assert.ok(tookMs >= 250, `the drain waited for the request first (${tookMs.toFixed(0)} ms)`);
  assert.ok((await stuck) instanceof Error, 'the stuck request was cut');
  assert.equal(await s.overruns(), 1);
  assert.ok(s.lines.some((l) => l.level === 50 && /drain overran/.test(String(l.msg))));
});

test('a request that finishes within the close budget is answered, and nothing is counted', async () => {
  const s = await drainedServer();
  const slow = s.get();
  await s.arrived(1);
  const drained = s.drain.run('test');
  // As cinedex's servers answer while draining, so the connection does not stay open idle.
  setTimeout(() => s.pending[0]?.writeHead(200, { connection: 'close' }).end('done'), 100);
  await drained;
  assert.equal(await slow, 200);
  assert.equal(await s.overruns(), 0);
  assert.ok(!s.lines.some((l) => /drain overran/.test(String(l.msg))));
});
