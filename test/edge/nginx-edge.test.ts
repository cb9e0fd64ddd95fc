import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeProcess } from '../support/cli-process.js';
import { FakeOrigin, json, sleep } from '../support/fake-origin.js';
import { nginxBinary, startNginxEdge, type NginxEdge } from '../support/nginx-process.js';
import { seedPath } from '../support/paths.js';

/**
 * deploy/edge/nginx.conf run by the real nginx: first in front of the real cinedex API (started
 * through the CLI), then in front of an origin that misbehaves on purpose.
 */

interface Answer {
  readonly status: number;
  readonly cache: string | null;
  readonly headers: Headers;
  readonly body: string;
}

async function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const response = await fetch(`${base}${path}`, { method, headers });
  return { status: response.status, cache: response.headers.get('x-cache'), headers: response.headers, body: await response.text() };
}

/** Asks until `done` holds, and returns that answer. */
async function poll(base: string, path: string, done: (a: Answer) => boolean, what: string): Promise<Answer> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await get(base, path);
    if (done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last X-Cache ${answer.cache}, status ${answer.status}`);
    await sleep(100);
  }
}

/** Requests carrying each kind of credential `cinedex edge` recognises. */
const API_KEY = 'nginx-edge-test-key-0123456789';
const CREDENTIALS: readonly { header: string; value: string }[] = [
  { header: 'x-api-key', value: API_KEY },
  { header: 'authorization', value: 'Bearer someone' },
  { header: 'cookie', value: 'session=someone' },
];

describe('nginx edge cache (deploy/edge/nginx.conf) in front of cinedex', () => {
  let api: ServeProcess | undefined;
  let edge: NginxEdge | undefined;
  const at = () => (edge as NginxEdge).base;
  const work = mkdtempSync(join(tmpdir(), 'cinedex-nginx-api-'));

  before(async () => {
    nginxBinary(); // fails at once, before the API starts, when nginx is missing
    const keys = join(work, 'keys.json');
    writeFileSync(keys, JSON.stringify({ [API_KEY]: 'edge-tester' }));
    mkdirSync(join(work, 'data'));
    api = await startServe({
      MOVIES_SEED: seedPath,
      MOVIES_DATA_DIR: join(work, 'data'),
      MOVIES_WORKERS: '1',
      MOVIES_INGEST_INTERVAL: '0',
      // Answers say `max-age=1`: expiry within a test's patience.
      MOVIES_REFRESH_INTERVAL: '1',
      MOVIES_API_KEYS: keys,
      LOG_LEVEL: 'warn',
    });
    edge = await startNginxEdge(`127.0.0.1:${api.port}`);
  });

  after(async () => {
    await edge?.stop();
    await api?.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  /** The origin's own count of /v1/movies answers with `status`, and of requests by `client`: what reached it. */
  async function origin(): Promise<{ served(status: number): number; byClient(client: string): number }> {
    const text = await (await fetch(`${(api as ServeProcess).base}/metrics`)).text();
    const read = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    return {
      served: (status) => read(`http_request_duration_seconds_count{route="/v1/movies",status_code="${status}"}`),
      byClient: (client) => read(`cinedex_requests_total{client="${client}"}`),
    };
  }

  test('a first request is a MISS, the next a HIT with the same answer that never reaches the origin', async () => {
    const path = '/v1/movies?title=matrix';
    const before = await origin();
    const first = await get(at(), path);
    assert.equal(first.status, 200);
    assert.equal(first.cache, 'MISS');
    assert.equal(first.headers.get('cache-control'), 'public, max-age=1');
    assert.match(first.body, /"title":"The Matrix"/);
    const second = await get(at(), path);
    assert.equal(second.cache, 'HIT');
    assert.equal(second.body, first.body);
    assert.equal(second.headers.get('etag'), first.headers.get('etag'));
    assert.equal((await origin()).served(200), before.served(200) + 1, 'the origin answered once');
  });

  test('each representation is cached apart: gzip, br and identity clients never get each other’s bytes', async () => {
    const { request } = await import('node:http');
    const { gunzipSync, brotliDecompressSync } = await import('node:zlib');
    const raw = (path: string, accept: string | undefined) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        const url = new URL(at() + path);
        request({ host: url.hostname, port: url.port, path, headers: accept === undefined ? {} : { 'accept-encoding': accept } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
    const path = '/v1/movies?genre=drama&limit=20';
    for (let round = 0; round < 2; round++) {
      // Interleaved, so that a cache keyed on the URL alone would hand one client's representation to the next.
      const plain = await raw(path, undefined);
      const gzip = await raw(path, 'gzip, deflate');
      const identity = await raw(path, 'identity');
      const br = await raw(path, 'gzip;q=0.5, br');
      const refusesBr = await raw(path, 'br;q=0, gzip');
      assert.deepEqual(
        [plain.encoding, gzip.encoding, identity.encoding, br.encoding, refusesBr.encoding],
        [undefined, 'gzip', undefined, 'br', 'gzip'],
        `round ${round + 1}`,
      );
      assert.deepEqual(identity.body, plain.body);
      assert.deepEqual(gunzipSync(gzip.body), plain.body);
      assert.deepEqual(gunzipSync(refusesBr.body), plain.body);
      assert.deepEqual(brotliDecompressSync(br.body), plain.body);
    }
  });

  test('an expired answer is revalidated with its ETag: the origin answers 304 and the body is kept', async () => {
    const path = '/v1/movies?title=alien';
    const first = await get(at(), path);
    assert.equal(first.cache, 'MISS');
    const before = await origin();
    // nginx counts freshness in whole seconds: max-age=1 ends within two.
    const expired = await poll(at(), path, (a) => a.cache !== 'HIT', 'the cached answer to expire');
    assert.equal(expired.cache, 'STALE', 'an expired answer is served at once while a background request revalidates it');
    assert.equal(expired.body, first.body);
    const refreshed = await poll(at(), path, (a) => a.cache === 'HIT', 'the background revalidation to refresh the cached answer');
    assert.equal(refreshed.body, first.body);
    assert.equal(refreshed.headers.get('etag'), first.headers.get('etag'));
    const now = await origin();
    assert.ok(
      now.served(304) > before.served(304),
      `the origin answered 304 to the revalidation (304s: ${before.served(304)} → ${now.served(304)})`,
    );
    assert.equal(now.served(200), before.served(200), 'the body was not fetched again');
  });

  test('a request with credentials is never answered from the shared cache', async () => {
    const path = '/v1/movies?title=jaws';
    assert.equal((await get(at(), path)).cache, 'MISS');
    const cached = await get(at(), path);
    assert.equal(cached.status, 200);
    assert.equal(cached.cache, 'HIT', 'the anonymous answer is cached');
    // A key the origin does not know: its answer is a 401, where the cache holds a 200.
    const refused = await get(at(), path, { 'x-api-key': 'not-anybody-s-key-0000000' });
    assert.equal(refused.status, 401);
    assert.equal(refused.cache, 'BYPASS');
    assert.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    for (const { header, value } of CREDENTIALS) {
      const before = await origin();
      const answer = await get(at(), path, { [header]: value });
      assert.equal(answer.status, 200, header);
      assert.equal(answer.cache, 'BYPASS', header);
      const now = await origin();
      assert.equal(now.served(200), before.served(200) + 1, `a request with ${header} reached the origin`);
      if (header === 'x-api-key')
        assert.equal(now.byClient('edge-tester'), before.byClient('edge-tester') + 1, 'the origin identified the key holder');
    }
  });

  test('a request with credentials leaves nothing in the shared cache for anonymous clients', async () => {
    for (const [i, { header, value }] of CREDENTIALS.entries()) {
      const path = `/v1/movies?title=star&limit=${i + 2}`;
      const keyed = await get(at(), path, { [header]: value });
      assert.equal(keyed.status, 200, header);
      assert.equal(keyed.cache, 'BYPASS', header);
      const before = await origin();
      const anonymous = await get(at(), path);
      assert.equal(anonymous.cache, 'MISS', `the answer to a request with ${header} was not stored`);
      assert.equal((await origin()).served(200), before.served(200) + 1, header);
    }
  });

  // Last: it stops the origin.
  test('while the origin is down, expired answers are served stale, body intact, and the rest is a 502 problem', async () => {
    const path = '/v1/movies?title=godfather';
    const cached = await get(at(), path);
    assert.equal(cached.cache, 'MISS');
    await (api as ServeProcess).stop('SIGKILL');
    const expired = await poll(at(), path, (a) => a.cache !== 'HIT', 'the cached answer to expire');
    assert.equal(expired.cache, 'STALE');
    // UPDATING: stale too, while the background request that found the origin down is still finishing.
    for (const answer of [expired, await get(at(), path), await get(at(), path)]) {
      assert.equal(answer.status, 200);
      assert.match(answer.cache ?? '', /^(STALE|UPDATING)$/);
      assert.equal(answer.body, cached.body);
      assert.equal(answer.headers.get('etag'), cached.headers.get('etag'));
    }
    const uncached = await get(at(), '/v1/movies?title=never-asked-before');
    assert.equal(uncached.status, 502);
    assert.equal(uncached.headers.get('content-type'), 'application/problem+json');
    assert.equal(uncached.headers.get('cache-control'), 'no-store');
    const problem = JSON.parse(uncached.body) as { type: string; status: number; detail: string };
    assert.equal(problem.type, 'https://cinedex.dev/problems/origin-failed');
    assert.equal(problem.status, 502);
    assert.match(problem.detail, /retry/);
    assert.equal((await get(at(), '/healthz')).status, 200, 'the edge stays healthy: its readiness does not follow the origin');
  });
});

describe('nginx edge cache in front of an origin that misbehaves', () => {
  let origin: FakeOrigin | undefined;
  let edge: NginxEdge | undefined;
  const at = () => (edge as NginxEdge).base;

  before(async () => {
    // Every answer says it is public and fresh for a minute, errors and personal answers included:
    // keeping those out of the shared cache is the edge's job alone here.
    origin = new FakeOrigin((req, res) => {
      const who = req.headers['x-api-key'] ?? req.headers.authorization ?? req.headers.cookie ?? 'anonymous';
      const status = Number(new URL(req.url ?? '/', 'http://origin').searchParams.get('status') ?? 200);
      json(res, { who, request: origin?.requests.length }, 'public, max-age=60', { 'x-request-id': 'made-by-the-origin' }, status);
    });
    edge = await startNginxEdge((await origin.start()).replace('http://', ''));
  });

  after(async () => {
    await edge?.stop();
    await origin?.close();
  });

  test("one client's answer never reaches another, even when the origin marks it public", async () => {
    for (const { header } of CREDENTIALS) {
      const path = `/personal?by=${header}`;
      const alice = await get(at(), path, { [header]: `alice-${header}` });
      assert.equal(JSON.parse(alice.body).who, `alice-${header}`);
      const anonymous = await get(at(), path);
      assert.equal(JSON.parse(anonymous.body).who, 'anonymous', `the answer to ${header} alice was not stored`);
      assert.equal(anonymous.cache, 'MISS');
      assert.equal((await get(at(), path)).cache, 'HIT', 'the anonymous answer is cached');
      const bob = await get(at(), path, { [header]: `bob-${header}` });
      assert.equal(JSON.parse(bob.body).who, `bob-${header}`, `a request with ${header} got its own answer, not the cached one`);
      assert.equal(bob.cache, 'BYPASS');
    }
  });

  test('only 200 and 404 answers are stored, never a 5xx however long it says it is fresh', async () => {
    for (const status of [200, 404, 201, 500, 503]) {
      const path = `/status?status=${status}`;
      const first = await get(at(), path);
      const second = await get(at(), path);
      assert.equal(first.status, status);
      assert.equal(second.status, status);
      const stored = status === 200 || status === 404;
      assert.equal(second.cache, stored ? 'HIT' : 'MISS', `a ${status} is ${stored ? '' : 'not '}stored`);
      assert.equal(origin?.count(path), stored ? 1 : 2);
    }
  });

  test('X-Request-Id names each exchange: sent to the origin, never replayed from the cache', async () => {
    const path = '/ids';
    const first = await get(at(), path, { 'x-request-id': 'first-request' });
    assert.equal(first.headers.get('x-request-id'), 'first-request');
    assert.equal(origin?.requests.find((r) => r.url === path)?.headers['x-request-id'], 'first-request');
    const second = await get(at(), path, { 'x-request-id': 'second-request' });
    assert.equal(second.cache, 'HIT');
    assert.equal(second.headers.get('x-request-id'), 'second-request');
    const unnamed = await get(at(), path, { 'x-request-id': 'not a safe id' });
    assert.match(unnamed.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/, 'an unsafe id is replaced by one the edge makes');
  });

  test('misses reuse kept-alive connections to the origin', async () => {
    const before = origin?.connections ?? 0;
    for (let i = 0; i < 5; i++) assert.equal((await get(at(), `/keep-alive?miss=${i}`)).cache, 'MISS');
    assert.equal(origin?.count('/keep-alive?miss=4'), 1);
    // One new connection at most (none when an earlier test left one idle), not one per miss.
    assert.ok((origin?.connections ?? 0) - before <= 1, `${(origin?.connections ?? 0) - before} new connections for 5 misses`);
  });

  test('other methods than GET and HEAD get a 405 problem naming them, and never reach the origin', async () => {
    const answer = await get(at(), '/v1/movies', {}, 'POST');
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.get('allow'), 'GET, HEAD');
    assert.equal(answer.headers.get('content-type'), 'application/problem+json');
    assert.equal(JSON.parse(answer.body).status, 405);
    assert.equal(origin?.count('/v1/movies'), 0);
  });
});
