import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIA } from '../../src/edge/relay-headers.js';
import type { EdgeOptions } from '../../src/edge/server.js';
import { startEdge, type RunningEdge } from '../support/edge.js';
import { FakeOrigin, json, sleep, type OriginHandler } from '../support/fake-origin.js';
import { rawRequest } from '../support/raw-http.js';
import { waitFor } from '../support/cli-process.js';
import { settlesWithin } from '../../src/runtime/settles-within.js';

/** Each test gets its own origin and edge, closed afterwards even when it fails. */
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close();
});

async function setup(handler: OriginHandler, options: Partial<EdgeOptions> = {}): Promise<{ origin: FakeOrigin; edge: RunningEdge }> {
  // Counted: what the edge sends (it names itself in Via on every request), not another test file's probes.
  const origin = new FakeOrigin(handler, (req) => req.headers.via === VIA);
  const base = await origin.start();
  running.push(origin);
  const edge = await startEdge(base, options);
  running.push(edge);
  return { origin, edge };
}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  originStatus?: number;
}

async function expectProblem(response: Response, status: number, detail: RegExp): Promise<ProblemBody> {
  assert.equal(response.status, status);
  assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('x-cache'), 'MISS');
  assert.equal(response.headers.get('age'), '0');
  const body = (await response.json()) as ProblemBody;
  assert.equal(body.status, status);
  assert.match(body.type, /^https:\/\/cinedex\.dev\/problems\//);
  assert.equal(typeof body.title, 'string');
  assert.match(body.detail, detail);
  return body;
}

/** Answers the first request with `first`, every later one with `then`. */
function firstThen(first: OriginHandler, then: OriginHandler): OriginHandler {
  let calls = 0;
  return (req, res) => (calls++ === 0 ? first(req, res) : then(req, res));
}

const ok =
  (cacheControl: string, extra: Record<string, string> = {}): OriginHandler =>
  (req, res) =>
    json(res, { url: req.url }, cacheControl, extra);
const status500: OriginHandler = (_req, res) => json(res, { error: 'boom' }, undefined, {}, 500);
const reset: OriginHandler = (req) => void req.socket.resetAndDestroy();
/** Never answers: the edge's deadline is the only way the exchange ends (the origin's sockets close with it). */
const hang: OriginHandler = () => {};
const slow =
  (ms: number, cacheControl = 'max-age=60'): OriginHandler =>
  async (req, res) => {
    await sleep(ms);
    if (!res.destroyed) json(res, { url: req.url, slow: true }, cacheControl);
  };

describe('timeouts', () => {
  test('a slow origin with nothing cached: 504 problem, at the timeout rather than when the origin answers', async () => {
    // The origin would answer after 20 s; the edge gives up after 0.3 s. The bounds tell the two apart
    // with room for a loaded machine.
    const { edge } = await setup(slow(20_000), { upstreamTimeoutSeconds: 0.3 });
    const started = Date.now();
    const response = await fetch(`${edge.base}/v1/genres`);
    const elapsed = Date.now() - started;
    const body = await expectProblem(
      response,
      504,
      /^the origin http:\/\/127\.0\.0\.1:\d+ did not answer within 0\.3 s to GET \/v1\/genres, and this edge holds no usable copy/,
    );
    assert.equal(body.title, 'Gateway Timeout');
    assert.equal(body.type, 'https://cinedex.dev/problems/origin-timeout');
    assert.ok(elapsed >= 280 && elapsed < 10_000, `answered after ${elapsed} ms`);
    assert.equal(await edge.metric('cinedex_edge_upstream_duration_seconds_count{outcome="timeout"}'), 1);
  });

  test('a slow origin with a stale copy: the copy, marked STALE with its Age', async () => {
    // The first exchange must not meet the deadline (the origin's first answer is its only fresh one): at 0.3 s it
    // did, at a load average of 20 on two cores. The second never gets an answer, so it ends at the deadline whatever the load.
    // The copy ages on the test's clock, not by sleeping: it is exactly 1 s old when the deadline comes.
    let clock = Date.now();
    const { edge } = await setup(firstThen(ok('max-age=0'), hang), { upstreamTimeoutSeconds: 1.5, now: () => clock });
    const first = await fetch(`${edge.base}/v1/genres`);
    assert.equal(first.status, 200, 'the first request was answered by the origin');
    assert.equal(first.headers.get('x-cache'), 'MISS');
    const body = await first.text();
    clock += 1000;
    const stale = await fetch(`${edge.base}/v1/genres`);
    assert.equal(stale.status, 200);
    assert.equal(stale.headers.get('x-cache'), 'STALE');
    assert.equal(stale.headers.get('age'), '1');
    assert.equal(await stale.text(), body);
  });
});

describe('origin errors: stale-if-error, then 502', () => {
  test('5xx with a stale copy serves it for --stale-if-error seconds, then 502 naming the origin status; 5xx is never cached', async () => {
    // The edge's clock is the test's: a second of real time was the whole window, and a loaded machine spent it
    // between the first two requests (a 502 where the copy was due). Now the copy is 0.5 s old, then 1.1 s.
    let clock = Date.now();
    const { origin, edge } = await setup(firstThen(ok('max-age=0'), status500), { staleIfErrorSeconds: 1, now: () => clock });
    const first = await fetch(`${edge.base}/v1/genres`);
    assert.equal(first.headers.get('x-cache'), 'MISS');
    const body = await first.text();
    clock += 500;
    const stale = await fetch(`${edge.base}/v1/genres`);
    assert.equal(stale.headers.get('x-cache'), 'STALE');
    assert.equal(stale.headers.get('age'), '0');
    assert.equal(await stale.text(), body);
    clock += 600;
    const expired = await expectProblem(
      await fetch(`${edge.base}/v1/genres`),
      502,
      /^the origin http:\/\/127\.0\.0\.1:\d+ answered 500 to GET \/v1\/genres, and this edge holds no usable copy to fall back on; retry shortly/,
    );
    assert.equal(expired.originStatus, 500);
    assert.equal(expired.type, 'https://cinedex.dev/problems/origin-failed');
    await fetch(`${edge.base}/v1/genres`).then((r) => r.arrayBuffer());
    assert.equal(origin.count('/v1/genres'), 4, 'every request after the first went to the origin: the 500s were not cached');
    assert.equal(await edge.metric('cinedex_edge_upstream_duration_seconds_count{outcome="server_error"}'), 3);
  });

  test('must-revalidate forbids serving stale: 502 at once', async () => {
    const { edge } = await setup(firstThen(ok('max-age=0, must-revalidate'), status500), { staleIfErrorSeconds: 60 });
    await (await fetch(`${edge.base}/x`)).arrayBuffer();
    await expectProblem(await fetch(`${edge.base}/x`), 502, /answered 500/);
  });

  test("a 503's Retry-After reaches the client", async () => {
    const { edge } = await setup((_req, res) => json(res, {}, undefined, { 'retry-after': '7' }, 503));
    const response = await fetch(`${edge.base}/x`);
    assert.equal(response.headers.get('retry-after'), '7');
    assert.equal(((await expectProblem(response, 502, /answered 503/)) as ProblemBody).originStatus, 503);
  });

  test('connection resets: 502 with nothing cached, the stale copy otherwise', async () => {
    const { edge } = await setup(firstThen(ok('max-age=0'), reset), { staleIfErrorSeconds: 60 });
    await (await fetch(`${edge.base}/cached`)).arrayBuffer();
    const stale = await fetch(`${edge.base}/cached`);
    assert.equal(stale.headers.get('x-cache'), 'STALE');
    assert.equal(stale.status, 200);
    await stale.arrayBuffer();
    await expectProblem(
      await fetch(`${edge.base}/never-cached`),
      502,
      /^the origin http:\/\/127\.0\.0\.1:\d+ failed: ECONNRESET for GET \/never-cached, and this edge holds no usable copy/,
    );
  });

  test('an origin closing mid-answer: 502 at once, not at the deadline', async () => {
    const { edge } = await setup(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000', 'cache-control': 'max-age=60' });
        res.write('{"partial":');
        setTimeout(() => res.socket?.destroy(), 20);
      },
      { upstreamTimeoutSeconds: 30 },
    );
    const started = Date.now();
    await expectProblem(await fetch(`${edge.base}/cut`), 502, /^the origin http:\/\/127\.0\.0\.1:\d+ failed: ECONNRESET for GET \/cut/);
    assert.ok(Date.now() - started < 15_000, 'well before the 30 s deadline');
  });

  test('an origin that is not listening: 502 naming ECONNREFUSED', async () => {
    const { origin, edge } = await setup(ok('max-age=60'));
    await origin.close();
    running.splice(running.indexOf(origin), 1);
    await expectProblem(await fetch(`${edge.base}/v1/genres`), 502, /failed: ECONNREFUSED for GET \/v1\/genres/);
  });

  test('an answer larger than the relay limit: 502 telling the client to ask the origin', async () => {
    const { edge } = await setup((_req, res) => json(res, { big: 'x'.repeat(5000) }, 'max-age=60'), { maxBodyBytes: 1000 });
    await expectProblem(
      await fetch(`${edge.base}/big`),
      502,
      /larger than 1000 bytes, more than the edge relays \(GET \/big\); request it from the origin directly/,
    );
  });
});

describe('single-flight and the concurrency cap', () => {
  test('20 concurrent misses for one URL make exactly one upstream request', async () => {
    // The origin answers once every request has reached the edge (joined the flight, or gone upstream itself): with
    // a fixed 200 ms, a request arriving after the answer on a loaded machine was a HIT, not a miss.
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const { origin, edge } = await setup(async (req, res) => (await answered, ok('max-age=60')(req, res)));
    const pending = Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${edge.base}/v1/movies?title=x`).then(async (r) => ({
          status: r.status,
          cache: r.headers.get('x-cache'),
          body: await r.text(),
        })),
      ),
    );
    const arrived = async () => origin.count('/v1/movies?title=x') + (await edge.metric('cinedex_edge_coalesced_requests_total'));
    await waitFor(async () => (await arrived()) >= 20, 60_000, 'the 20 requests to reach the edge');
    answer();
    const answers = await pending;
    assert.equal(origin.count('/v1/movies?title=x'), 1);
    assert.ok(answers.every((a) => a.status === 200 && a.cache === 'MISS' && a.body === answers[0]?.body));
    assert.equal(await edge.metric('cinedex_edge_coalesced_requests_total'), 19);
    const hit = await fetch(`${edge.base}/v1/movies?title=x`);
    assert.equal(hit.headers.get('x-cache'), 'HIT');
  });

  test('a failure is shared by the concurrent misses, and the next request tries again', async () => {
    // The origin fails once all 5 have reached the edge (gone upstream, or joined the one that did): with a fixed
    // 150 ms, a request reaching the edge after the failure on a loaded machine went upstream itself and got the 200.
    let fail = () => {};
    const failing = new Promise<void>((resolve) => (fail = resolve));
    const { origin, edge } = await setup(firstThen(async (req, res) => (await failing, status500(req, res)), ok('max-age=60')));
    const answers = Promise.all(Array.from({ length: 5 }, () => fetch(`${edge.base}/y`).then((r) => r.status)));
    const arrived = async () => origin.count('/y') + (await edge.metric('cinedex_edge_coalesced_requests_total'));
    await waitFor(async () => (await arrived()) >= 5, 60_000, 'the 5 requests to reach the edge');
    fail();
    assert.deepEqual(await answers, [502, 502, 502, 502, 502]);
    assert.equal(origin.count('/y'), 1);
    assert.equal((await fetch(`${edge.base}/y`)).status, 200);
  });

  test('at most --max-upstream-concurrency requests reach the origin at once; the rest queue and are answered', async () => {
    // The origin holds every request until each of the 8 is either held there or queued at the edge, then answers
    // the ones it holds: how many it holds at once is the cap, however far apart the requests reach the edge (a
    // fixed 100 ms answer never saw two at once if they came 100 ms apart on a loaded machine).
    const held: (() => void)[] = [];
    const { origin, edge } = await setup((req, res) => void held.push(() => json(res, { url: req.url }, 'max-age=60')), {
      maxUpstreamConcurrency: 2,
      upstreamTimeoutSeconds: 60,
    });
    const statuses = Promise.all(Array.from({ length: 8 }, (_, i) => fetch(`${edge.base}/item/${i}`).then((r) => r.status)));
    const rounds: number[] = [];
    for (let answered = 0; answered < 8;) {
      // Held first, then the queue: a request that moves between the two readings is in neither, never in both.
      const settled = async () => {
        const atOrigin = held.length;
        return atOrigin > 0 && atOrigin + (await edge.metric('cinedex_edge_upstream_queued')) === 8 - answered;
      };
      await waitFor(settled, 60_000, `the ${8 - answered} unanswered requests to be at the origin or queued at the edge`);
      rounds.push(held.length);
      answered += held.length;
      for (const answer of held.splice(0)) answer();
    }
    assert.deepEqual(await statuses, Array(8).fill(200));
    assert.deepEqual(rounds, [2, 2, 2, 2], 'two at the origin at a time, the others queued at the edge');
    assert.deepEqual(
      origin.requests.map((r) => r.url).sort(),
      Array.from({ length: 8 }, (_, i) => `/item/${i}`),
      'each URL reached the origin once',
    );
    assert.equal(origin.maxInFlight, 2);
  });

  test('the timeout covers the queue: requests queued behind a slow answer get their 504 at the deadline, not after it', async () => {
    // The first answer comes at 800 ms; the second could only finish at 1,600 ms, after the 1.4 s deadline (were the
    // deadline counted from the slot, not the request, it would finish in time and be a 200). The 600 ms the first
    // has to spare is for a loaded machine: with 150 ms, it timed out too at a load average of 12 on two cores.
    const { origin, edge } = await setup(slow(800), { maxUpstreamConcurrency: 1, upstreamTimeoutSeconds: 1.4 });
    const [a, b, c] = await Promise.all(['/q/1', '/q/2', '/q/3'].map((p) => fetch(`${edge.base}${p}`)));
    assert.equal(a?.status, 200);
    await expectProblem(b as Response, 504, /did not answer within 1\.4 s/);
    await expectProblem(c as Response, 504, /did not answer within 1\.4 s/);
    // Whether /q/3 reaches the origin depends on how far apart the three reached the edge (arriving a few ms after
    // /q/2, it has those ms left when /q/2 gives the slot back): that a waiter whose deadline passes never takes
    // the slot is ConcurrencyLimit's, tested alone in single-flight.test.ts.
    assert.equal(origin.requests[0]?.url, '/q/1');
  });
});

describe('what is cached', () => {
  test('the LRU is bounded by bytes: the least recently used answer is evicted, the bound holds', async () => {
    const body = (req: { url?: string }) => ({ url: req.url, pad: 'p'.repeat(2000) });
    const { origin, edge } = await setup((req, res) => json(res, body(req), 'max-age=60'), { cacheMaxBytes: 5000 });
    for (const p of ['/a', '/b', '/c']) await (await fetch(`${edge.base}${p}`)).arrayBuffer();
    assert.equal(await edge.metric('cinedex_edge_cache_entries'), 2);
    assert.ok((await edge.metric('cinedex_edge_cache_bytes')) <= 5000);
    assert.equal(await edge.metric('cinedex_edge_cache_evictions_total'), 1);
    for (const p of ['/b', '/c']) assert.equal((await fetch(`${edge.base}${p}`)).headers.get('x-cache'), 'HIT', p);
    assert.equal((await fetch(`${edge.base}/a`)).headers.get('x-cache'), 'MISS', '/a was the least recently used');
    assert.equal(origin.count('/a'), 2);
  });

  test('an answer larger than the whole cache is relayed but evicts nothing', async () => {
    const { origin, edge } = await setup((req, res) => json(res, { pad: 'p'.repeat(req.url === '/huge' ? 8000 : 100) }, 'max-age=60'), {
      cacheMaxBytes: 5000,
    });
    await (await fetch(`${edge.base}/small`)).arrayBuffer();
    for (let i = 0; i < 2; i++) {
      const huge = await fetch(`${edge.base}/huge`);
      assert.equal(huge.status, 200);
      assert.equal(huge.headers.get('x-cache'), 'MISS');
      assert.equal((await huge.text()).length, 8010);
    }
    assert.equal(origin.count('/huge'), 2);
    assert.equal((await fetch(`${edge.base}/small`)).headers.get('x-cache'), 'HIT');
  });

  test('no-store, private, no max-age, Set-Cookie and Vary answers are never cached', async () => {
    const cases: Record<string, [string | undefined, Record<string, string>]> = {
      '/no-store': ['no-store, max-age=60', {}],
      '/private': ['private, max-age=60', {}],
      '/no-max-age': ['public', {}],
      '/none': [undefined, {}],
      '/cookie': ['max-age=60', { 'set-cookie': 'session=1' }],
      '/vary': ['max-age=60', { vary: 'Accept-Language' }],
    };
    const { origin, edge } = await setup((req, res) => {
      const [cc, extra] = cases[req.url ?? ''] ?? ['max-age=60', {}];
      json(res, { url: req.url }, cc, extra);
    });
    for (const path of Object.keys(cases)) {
      for (let i = 0; i < 2; i++) assert.equal((await fetch(`${edge.base}${path}`)).headers.get('x-cache'), 'MISS', path);
      assert.equal(origin.count(path), 2, path);
    }
    assert.equal(await edge.metric('cinedex_edge_cache_entries'), 0);
  });

  test("a 404 with a max-age is cached; the origin's Age is added to the edge's", async () => {
    const { origin, edge } = await setup((req, res) => json(res, { missing: req.url }, 'max-age=60', { age: '5' }, 404));
    const miss = await fetch(`${edge.base}/gone`);
    assert.equal(miss.headers.get('age'), '5');
    const hit = await fetch(`${edge.base}/gone`);
    assert.equal(hit.status, 404);
    assert.equal(hit.headers.get('x-cache'), 'HIT');
    assert.ok(Number(hit.headers.get('age')) >= 5);
    assert.equal(origin.count('/gone'), 1);
  });

  test('revalidation without a stored ETag is a plain refetch; with one, a 304 refreshes the stored headers', async () => {
    let version = 1;
    const { origin, edge } = await setup((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=60', 'x-origin-note': `revalidated-${version++}` });
        res.end();
        return;
      }
      json(res, { url: req.url }, 'max-age=0', { etag: '"v1"', 'x-origin-note': 'original' });
    });
    await (await fetch(`${edge.base}/r`)).arrayBuffer();
    const revalidated = await fetch(`${edge.base}/r`);
    assert.equal(revalidated.headers.get('x-cache'), 'REVALIDATED');
    assert.equal(revalidated.headers.get('x-origin-note'), 'revalidated-1');
    assert.equal(revalidated.headers.get('cache-control'), 'max-age=60');
    assert.equal(revalidated.headers.get('content-type'), 'application/json');
    assert.deepEqual(await revalidated.json(), { url: '/r' });
    const hit = await fetch(`${edge.base}/r`);
    assert.equal(hit.headers.get('x-cache'), 'HIT');
    assert.equal(origin.requests[1]?.headers['if-none-match'], '"v1"');
    assert.equal(origin.requests.length, 2);
  });
});

describe('headers and methods', () => {
  test('hop-by-hop headers are not copied back; a chunked answer is sent with its length', async () => {
    const { edge } = await setup((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        'cache-control': 'max-age=60',
        connection: 'X-Hop-Header, keep-alive',
        'x-hop-header': 'secret',
        'proxy-authenticate': 'Basic',
        'x-end-to-end': 'kept',
      });
      res.write('chunk one, ');
      res.end('chunk two');
    });
    for (const expected of ['MISS', 'HIT']) {
      const raw = await rawRequest(edge.port, 'GET /hop HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n');
      assert.equal(raw.status, 200);
      assert.match(raw.headers, new RegExp(`\r\nx-cache: ${expected.toLowerCase()}\r\n`));
      assert.match(raw.headers, /\r\nx-end-to-end: kept\r\n/);
      assert.match(raw.headers, /\r\ncontent-length: 20\r\n/);
      assert.doesNotMatch(raw.headers, /x-hop-header|proxy-authenticate|transfer-encoding/);
      assert.equal(raw.body, 'chunk one, chunk two');
    }
  });

  test("hop-by-hop request headers are not forwarded; shared requests carry none of the client's headers", async () => {
    const { origin, edge } = await setup(ok('max-age=60'));
    await rawRequest(
      edge.port,
      'GET /keyed HTTP/1.1\r\nHost: edge\r\nX-Api-Key: k-0123456789abcdef\r\nConnection: close, X-Client-Hop\r\nX-Client-Hop: 1\r\nTE: trailers\r\nX-End: 2\r\n\r\n',
    );
    await rawRequest(
      edge.port,
      'GET /shared HTTP/1.1\r\nHost: edge\r\nX-End: 2\r\nX-Request-Id: client-chosen-id\r\nConnection: close\r\n\r\n',
    );
    const keyed = origin.requests.find((r) => r.url === '/keyed')?.headers ?? {};
    assert.equal(keyed['x-api-key'], 'k-0123456789abcdef');
    assert.equal(keyed['x-end'], '2');
    assert.equal(keyed['x-client-hop'], undefined);
    assert.equal(keyed.te, undefined);
    assert.equal(keyed.via, '1.1 cinedex-edge');
    const shared = origin.requests.find((r) => r.url === '/shared')?.headers ?? {};
    assert.equal(shared['x-end'], undefined);
    assert.equal(shared['x-request-id'], 'client-chosen-id', 'the request id ties the origin log line to the client that caused the fetch');
    assert.equal(shared.via, '1.1 cinedex-edge');
  });

  test('other methods are 405 problems naming the allowed ones; a non-path target is 400', async () => {
    const { origin, edge } = await setup(ok('max-age=60'));
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const response = await fetch(`${edge.base}/v1/genres`, { method });
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
      await expectProblem(response, 405, new RegExp(`relays only GET and HEAD; ${method} is not allowed`));
    }
    const absolute = await rawRequest(edge.port, 'GET http://elsewhere.example/ HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n');
    assert.equal(absolute.status, 400);
    assert.match(absolute.body, /the request target must be a path/);
    assert.equal(origin.requests.length, 0);
  });

  test('the client request id is echoed when valid, else the edge makes one', async () => {
    const { edge } = await setup(ok('max-age=60'));
    assert.equal((await fetch(`${edge.base}/id`, { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id'), 'abc-123');
    const hit = await fetch(`${edge.base}/id`, { headers: { 'x-request-id': 'bad id!' } });
    assert.equal(hit.headers.get('x-cache'), 'HIT');
    assert.match(hit.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-z]+$/);
  });
});

describe('drain', () => {
  test('readiness turns 503 at once, answers keep flowing with Connection: close, then the listener closes', async () => {
    // The test ends the drain period once it has looked at the edge during it: a 0.5 s period ended first on a
    // loaded machine (the request meant for the period found the listener closed).
    const { edge } = await setup(ok('max-age=60'));
    await (await fetch(`${edge.base}/d`)).arrayBuffer();
    // A minute: far from the moment the test takes, and a failure here holds the file (the period's timer) no longer.
    const drained = edge.edge.drain('test', 60);
    const ready = await fetch(`${edge.base}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as ProblemBody).detail, /draining/);
    const during = await rawRequest(edge.port, 'GET /d HTTP/1.1\r\nHost: edge\r\n\r\n');
    assert.equal(during.status, 200);
    assert.match(during.headers, /\r\nconnection: close(\r\n|$)/);
    assert.equal((await fetch(`${edge.base}/healthz`)).status, 200);
    edge.edge.endDrainPeriod('test');
    // A bound for a period that would not end, far from the moment it takes.
    assert.ok(await settlesWithin(drained, 30_000), 'the drain ended with its period');
    await assert.rejects(fetch(`${edge.base}/healthz`), /fetch failed/);
  });
});
