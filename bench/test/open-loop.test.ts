import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { dueBy, intendedAt, runOpenLoop, sustains, type OpenLoopResult } from '../capacity/open-loop.js';
import { summary } from '../lib/stats.js';

/**
 * A server with a fixed capacity: it answers one request at a time, each after `serviceMs`, however
 * many connections are open, like a saturated single-threaded process.
 */
/**
 * For the tests that count answers: every request gets an answer however loaded the machine, since a run
 * ends as soon as all are answered. With the defaults (a 5 s drain, giving up once a request is 3 s
 * late) the counts failed at a load average of 12–21 on two cores (217 of 250 answered): the machine's
 * delay, not the generator's.
 */
const UNHURRIED = { drainMs: 60_000, abortLateMs: 60_000 } as const;

function slowServer(serviceMs: number): Server {
  let busyUntil = 0;
  return createServer((req, res) => {
    const start = Math.max(performance.now(), busyUntil);
    busyUntil = start + serviceMs;
    setTimeout(() => {
      const status = req.url === '/missing' ? 404 : 200;
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': 2 });
      res.end('ok');
    }, busyUntil - performance.now());
  });
}

describe('open-loop schedule', () => {
  test('request i is due at i / rate, request 0 at once', () => {
    assert.equal(intendedAt(0, 1000), 0);
    assert.equal(intendedAt(250, 1000), 250);
    assert.equal(intendedAt(3, 400), 7.5);
    assert.equal(dueBy(-1, 1000, 10), 0);
    assert.equal(dueBy(0, 1000, 10), 1);
    assert.equal(dueBy(2.5, 1000, 10), 3);
    assert.equal(dueBy(1e6, 1000, 10), 10);
  });

  test('percentiles are nearest-rank over the whole sample', () => {
    const sample = Float64Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const p = summary(sample);
    assert.deepEqual([p.count, p.p50, p.p90, p.p99, p.p999, p.max], [1000, 500, 900, 990, 999, 1000]);
  });

  test('a run sustains its rate only with p99 under the bound, the rate delivered and nothing failed', () => {
    const good = { offered: 1000, achieved: 995, p99Ms: 4.9, errors: 0, non2xx: 0, timeouts: 0, aborted: false } as OpenLoopResult;
    assert.equal(sustains(good), true);
    assert.equal(sustains({ ...good, p99Ms: 5 }), false);
    assert.equal(sustains({ ...good, achieved: 970 }), false);
    assert.equal(sustains({ ...good, non2xx: 1 }), false);
    assert.equal(sustains({ ...good, errors: 1 }), false);
    assert.equal(sustains({ ...good, timeouts: 1 }), false);
    assert.equal(sustains({ ...good, aborted: true }), false);
  });
});

for (const transportKind of ['net', 'http'] as const) {
  describe(`open-loop generator over real sockets (${transportKind} client)`, () => {
    let server: Server;
    let base: string;
    before(async () => {
      server = slowServer(4); // capacity: 250 requests/s
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    test('under capacity, latency is the service time and the offered rate is delivered', async () => {
      const r = await runOpenLoop({ base, paths: ['/a', '/b'], rate: 100, seconds: 0.4, transportKind, ...UNHURRIED });
      assert.equal(r.scheduled, 40);
      assert.equal(r.ok, 40);
      assert.equal(r.errors + r.non2xx + r.timeouts, 0);
      // At least the service time (node timers may fire up to a millisecond early against performance.now());
      // the upper bounds only rule out a queue growing through the run (the over-capacity case below reaches
      // p50 > 150 ms on a quiet machine), with room for a machine so loaded that timers fire late (p50 0.8 s seen
      // at a load average of 15 on 2 cores).
      assert.ok(r.p50Ms >= 3 && r.p50Ms < 2000, `p50 ${r.p50Ms}`);
      assert.ok(r.achieved > 10 && r.achieved <= 101, `achieved ${r.achieved}`);
      assert.equal(sustains(r, { p99Ms: 4000, minAchievedRatio: 0.1 }), true);
    });

    test('over capacity, latency counts from the intended send time, so queueing delay grows through the run', async () => {
      // 500/s offered against 250/s, one connection: requests wait in the generator, and that wait is charged.
      // Measured from the actual send, every request would take ~4 ms.
      const r = await runOpenLoop({ base, paths: ['/'], rate: 500, seconds: 0.5, maxSockets: 1, transportKind, ...UNHURRIED });
      assert.equal(r.ok, 250);
      // Request i is answered ~4(i+1) ms after the start but was due at 2i ms: the last one is ~500 ms late.
      assert.ok(r.p50Ms > 150, `p50 ${r.p50Ms}`);
      // Far above the 4 ms a request takes once sent; below the drain deadline, so it is not counting twice.
      assert.ok(r.p99Ms > 400 && r.p99Ms < UNHURRIED.drainMs, `p99 ${r.p99Ms}`);
      assert.ok(r.sendLagP99Ms > 350, `send lag ${r.sendLagP99Ms}`);
      assert.ok(r.achieved < 300, `achieved ${r.achieved}`);
      assert.equal(sustains(r), false);
    });

    test('non-2xx answers are counted, not dropped', async () => {
      const r = await runOpenLoop({ base, paths: ['/', '/missing'], rate: 100, seconds: 0.2, transportKind, ...UNHURRIED });
      assert.equal(r.ok, 10);
      assert.equal(r.non2xx, 10);
      assert.equal(sustains(r, { p99Ms: 1000, minAchievedRatio: 0 }), false);
    });
  });
}

describe('open-loop generator against a server it cannot read', () => {
  test('an answer without Content-Length is an error, and a refused connection is too', async () => {
    const chunked = createServer((_req, res) => {
      res.write('no length');
      res.end();
    });
    await new Promise<void>((resolve) => chunked.listen(0, '127.0.0.1', resolve));
    const port = (chunked.address() as { port: number }).port;
    try {
      const r = await runOpenLoop({ base: `http://127.0.0.1:${port}`, paths: ['/'], rate: 50, seconds: 0.1 });
      assert.equal(r.ok, 0);
      assert.equal(r.errors, 5);
    } finally {
      chunked.closeAllConnections();
      chunked.close();
    }
    const refused = await runOpenLoop({ base: `http://127.0.0.1:${port}`, paths: ['/'], rate: 50, seconds: 0.1 });
    assert.equal(refused.errors, 5);
  });
});

describe('open-loop generator asking for an encoding', () => {
  for (const transportKind of ['net', 'http'] as const) {
    test(`Accept-Encoding goes on every request when given, and on none otherwise (${transportKind} client)`, async () => {
      // 200 when the header is what the path says it should be, 400 otherwise: a wrong header shows as non-2xx.
      const server = createServer((req, res) => {
        const wanted = req.url === '/br' ? 'br' : undefined;
        res.writeHead(req.headers['accept-encoding'] === wanted ? 200 : 400, { 'content-length': 2 });
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      try {
        const asked = await runOpenLoop({
          base,
          paths: ['/br'],
          rate: 50,
          seconds: 0.2,
          transportKind,
          acceptEncoding: 'br',
          ...UNHURRIED,
        });
        assert.deepEqual([asked.ok, asked.non2xx], [10, 0]);
        const plain = await runOpenLoop({ base, paths: ['/plain'], rate: 50, seconds: 0.2, transportKind, ...UNHURRIED });
        assert.deepEqual([plain.ok, plain.non2xx], [10, 0]);
        const wrong = await runOpenLoop({
          base,
          paths: ['/plain'],
          rate: 50,
          seconds: 0.2,
          transportKind,
          acceptEncoding: 'br',
          ...UNHURRIED,
        });
        assert.deepEqual([wrong.ok, wrong.non2xx], [0, 10]);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  }
});
