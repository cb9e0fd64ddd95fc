import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { startApi, type RunningApi } from '../support/api-server.js';
import { startEdge, type RunningEdge } from '../support/edge.js';
import { sleep } from '../support/fake-origin.js';
import { datasetFrom, seedIndex } from '../support/seed-index.js';

/**
 * What the origin saw: the real API's node server emits 'request' for every request, so a second listener can
 * watch without changing it.
 */
function watch(api: RunningApi) {
  const seen: { url: string; headers: IncomingHttpHeaders; status?: number }[] = [];
  api.app.server.on('request', (req, res) => {
    const entry: { url: string; headers: IncomingHttpHeaders; status?: number } = { url: req.url ?? '', headers: req.headers };
    seen.push(entry);
    res.once('finish', () => (entry.status = res.statusCode));
  });
  return { seen, count: (url: string) => seen.filter((s) => s.url === url).length };
}

/** Per-exchange and per-connection headers differ between any two requests; everything else must be the origin's. */
const PER_EXCHANGE = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);
const EDGE_ADDED = new Set(['age', 'x-cache']);

function comparable(headers: Headers, drop: ReadonlySet<string>): [string, string][] {
  return [...headers].filter(([name]) => !PER_EXCHANGE.has(name) && !drop.has(name));
}

describe('edge in front of the real cinedex API', () => {
  let api: RunningApi;
  let edge: RunningEdge;
  let origin: ReturnType<typeof watch>;

  before(async () => {
    api = await startApi();
    origin = watch(api);
    edge = await startEdge(api.base);
  });
  after(async () => {
    await edge.close();
    await api.app.close();
  });

  test('status, headers and body are relayed byte for byte, for answers and problems alike', async () => {
    const first = (await (await fetch(`${api.base}/v1/movies?title=matrix&limit=1`)).json()) as { items: { id: string }[] };
    const id = first.items[0]?.id as string;
    const paths = [
      '/v1/movies?title=mission&cast=Tom%20Cruise&limit=3',
      `/v1/movies/${id}`,
      `/v1/movies/${id}/history`,
      '/v1/genres',
      '/v1/movies/no-such-id',
      '/v1/movies?year=abc',
      '/v1/movies?title=%E2%82%AC%20caf%C3%A9',
      '/openapi.json',
      '/no/such/route',
    ];
    for (const path of paths) {
      const relayed = await fetch(`${edge.base}${path}`);
      const direct = await fetch(`${api.base}${path}`);
      assert.equal(relayed.status, direct.status, path);
      assert.equal(relayed.headers.get('x-cache'), 'MISS', path);
      assert.equal(relayed.headers.get('age'), '0', path);
      assert.match(relayed.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-z]+$/, `${path}: the edge names its own exchange`);
      assert.deepEqual(comparable(relayed.headers, EDGE_ADDED), comparable(direct.headers, new Set()), path);
      assert.ok(Buffer.from(await relayed.arrayBuffer()).equals(Buffer.from(await direct.arrayBuffer())), `${path}: same bytes`);
    }
  });

  test('a second request is a HIT with the same bytes and does not reach the origin', async () => {
    const path = '/v1/movies?genre=Drama&year=1999&limit=7';
    const miss = await fetch(`${edge.base}${path}`);
    const missBody = Buffer.from(await miss.arrayBuffer());
    const before = origin.count(path);
    const hit = await fetch(`${edge.base}${path}`);
    assert.equal(miss.headers.get('x-cache'), 'MISS');
    assert.equal(hit.headers.get('x-cache'), 'HIT');
    assert.equal(hit.status, 200);
    assert.match(hit.headers.get('age') ?? '', /^[0-9]+$/);
    assert.equal(hit.headers.get('etag'), miss.headers.get('etag'));
    assert.equal(hit.headers.get('cache-control'), 'public, max-age=10');
    assert.ok(Buffer.from(await hit.arrayBuffer()).equals(missBody));
    assert.equal(origin.count(path), before, 'the hit was answered by the edge alone');
  });

  test("the origin's 404 and 400 problems say no-store and are never cached", async () => {
    for (const path of ['/v1/movies/never-cached', '/v1/movies?limit=0']) {
      const a = await fetch(`${edge.base}${path}`);
      const b = await fetch(`${edge.base}${path}`);
      assert.equal(a.headers.get('x-cache'), 'MISS');
      assert.equal(b.headers.get('x-cache'), 'MISS');
      assert.equal(b.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(origin.count(path), 2, path);
    }
  });

  test("a client's If-None-Match matching the cached ETag gets a 304 from the edge", async () => {
    const path = '/v1/genres';
    const etag = (await fetch(`${edge.base}${path}`)).headers.get('etag') as string;
    const before = origin.count(path);
    const conditional = await fetch(`${edge.base}${path}`, { headers: { 'if-none-match': `W/"other", ${etag}` } });
    assert.equal(conditional.status, 304);
    assert.equal(conditional.headers.get('etag'), etag);
    assert.equal(conditional.headers.get('x-cache'), 'HIT');
    assert.equal(conditional.headers.get('cache-control'), 'public, max-age=10');
    assert.equal(await conditional.text(), '');
    assert.equal(origin.count(path), before);
    const other = await fetch(`${edge.base}${path}`, { headers: { 'if-none-match': '"not-it"' } });
    assert.equal(other.status, 200);
  });

  test('HEAD is answered from the cache: the headers of the GET, no body', async () => {
    const path = '/v1/movies?year=1984&limit=2';
    const get = await fetch(`${edge.base}${path}`);
    const length = get.headers.get('content-length');
    const head = await fetch(`${edge.base}${path}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('x-cache'), 'HIT');
    assert.equal(head.headers.get('content-length'), length);
    assert.equal(await head.text(), '');
  });

  test("/healthz, /readyz and /metrics are the edge's own, never relayed", async () => {
    const before = origin.seen.length;
    const health = await fetch(`${edge.base}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${edge.base}/readyz`);
    assert.deepEqual(await ready.json(), { status: 'ready', origin: api.base });
    const metrics = await fetch(`${edge.base}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await metrics.text();
    for (const name of [
      'cinedex_edge_responses_total',
      'cinedex_edge_upstream_duration_seconds_bucket',
      'cinedex_edge_cache_bytes',
      'cinedex_edge_cache_entries',
      'cinedex_edge_coalesced_requests_total',
    ]) {
      assert.ok(text.includes(name), name);
    }
    assert.match(text, /cinedex_edge_responses_total\{cache="HIT",status_code="200"\} [1-9]/);
    assert.equal(origin.seen.length, before);
    assert.ok((await edge.metric('cinedex_edge_cache_bytes')) > 0);
  });
});

describe('revalidation against the real API (max-age=1)', () => {
  let api: RunningApi;
  let edge: RunningEdge;
  let origin: ReturnType<typeof watch>;

  before(async () => {
    api = await startApi({ cacheMaxAgeSeconds: 1 });
    origin = watch(api);
    edge = await startEdge(api.base);
  });
  after(async () => {
    await edge.close();
    await api.app.close();
  });

  test('an expired entry is revalidated with If-None-Match; the 304 keeps the body and renews freshness', async () => {
    const path = '/v1/movies?cast=Keanu%20Reeves&limit=5';
    const miss = await fetch(`${edge.base}${path}`);
    const body = Buffer.from(await miss.arrayBuffer());
    const etag = miss.headers.get('etag') as string;
    await sleep(1100);
    const revalidated = await fetch(`${edge.base}${path}`);
    assert.equal(revalidated.headers.get('x-cache'), 'REVALIDATED');
    assert.equal(revalidated.status, 200);
    assert.equal(revalidated.headers.get('age'), '0', 'a revalidated answer is as good as new');
    assert.equal(
      revalidated.headers.get('content-type'),
      'application/json; charset=utf-8',
      'stored headers the 304 did not carry are kept',
    );
    assert.ok(Buffer.from(await revalidated.arrayBuffer()).equals(body));
    const asked = origin.seen.filter((s) => s.url === path);
    assert.equal(asked.length, 2);
    assert.equal(asked[1]?.headers['if-none-match'], etag);
    assert.equal(asked[1]?.status, 304);
    const hit = await fetch(`${edge.base}${path}`);
    assert.equal(hit.headers.get('x-cache'), 'HIT', "the 304's max-age made the entry fresh again");
    assert.equal(origin.count(path), 2);
    assert.equal(await edge.metric('cinedex_edge_upstream_duration_seconds_count{outcome="not_modified"}'), 1);
  });

  test('after a data swap the revalidation brings the new version (MISS, new ETag, new bytes)', async () => {
    const path = '/v1/movies?limit=3';
    const old = await fetch(`${edge.base}${path}`);
    const oldEtag = old.headers.get('etag');
    await old.arrayBuffer();
    api.live.swap(datasetFrom('edge-v2', seedIndex().movies.slice(5000, 5100)));
    await sleep(1100);
    const fresh = await fetch(`${edge.base}${path}`);
    const direct = await fetch(`${api.base}${path}`);
    assert.equal(fresh.headers.get('x-cache'), 'MISS');
    assert.notEqual(fresh.headers.get('etag'), oldEtag);
    assert.equal(fresh.headers.get('etag'), direct.headers.get('etag'));
    assert.equal(await fresh.text(), await direct.text());
  });
});

describe('API keys: requests with credentials bypass the shared cache', () => {
  let api: RunningApi;
  let edge: RunningEdge;
  let origin: ReturnType<typeof watch>;
  const key = 'edge-test-key-0123456789';

  before(async () => {
    api = await startApi({ access: { keys: new Map([[key, 'alice']]), requireApiKey: true, rateLimit: 0, rateBurst: 1 } });
    origin = watch(api);
    edge = await startEdge(api.base);
  });
  after(async () => {
    await edge.close();
    await api.app.close();
  });

  test("a key holder's answer is relayed with their key, never cached, never served to anyone else", async () => {
    const path = '/v1/movies?title=alien&limit=2';
    for (let i = 0; i < 2; i++) {
      const keyed = await fetch(`${edge.base}${path}`, { headers: { 'x-api-key': key } });
      assert.equal(keyed.status, 200);
      assert.equal(keyed.headers.get('x-cache'), 'MISS');
      await keyed.arrayBuffer();
    }
    const anonymous = await fetch(`${edge.base}${path}`);
    assert.equal(anonymous.status, 401, 'the anonymous client is refused by the origin, not served the key holder’s copy');
    assert.equal(anonymous.headers.get('x-cache'), 'MISS');
    const asked = origin.seen.filter((s) => s.url === path);
    assert.equal(asked.length, 3);
    assert.equal(asked[0]?.headers['x-api-key'], key);
    assert.equal(asked[0]?.headers.via, '1.1 cinedex-edge');
    assert.equal(asked[0]?.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(asked[2]?.headers['x-api-key'], undefined);
  });
});

test('cinedex edge keeps each representation apart: a gzip client, a br client and an identity client never get each other’s bytes', async () => {
  const api = await startApi();
  const origin = watch(api);
  const edge = await startEdge(api.base);
  const { request } = await import('node:http');
  const { gunzipSync, brotliDecompressSync } = await import('node:zlib');
  const get = (path: string, accept: string | undefined) =>
    new Promise<{ encoding: string | undefined; cache: string | undefined; body: Buffer }>((resolve, reject) => {
      const url = new URL(edge.base + path);
      request({ host: url.hostname, port: url.port, path, headers: accept === undefined ? {} : { 'accept-encoding': accept } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            encoding: res.headers['content-encoding'],
            cache: res.headers['x-cache'] as string | undefined,
            body: Buffer.concat(chunks),
          }),
        );
      })
        .on('error', reject)
        .end();
    });
  try {
    const path = '/v1/movies?genre=drama&limit=20';
    const rounds = [];
    for (let round = 0; round < 2; round++)
      rounds.push(await Promise.all([get(path, 'gzip'), get(path, undefined), get(path, 'br;q=1, gzip;q=0.5'), get(path, 'identity')]));
    const [[gzip, plain, br, identity], again] = rounds as [(typeof rounds)[0], (typeof rounds)[0]];
    assert.deepEqual([gzip?.encoding, plain?.encoding, br?.encoding, identity?.encoding], ['gzip', undefined, 'br', undefined]);
    assert.deepEqual(gunzipSync(gzip?.body as Buffer), plain?.body);
    assert.deepEqual(brotliDecompressSync(br?.body as Buffer), plain?.body);
    assert.deepEqual(
      again.map((a) => [a.encoding, a.cache]),
      [
        ['gzip', 'HIT'],
        [undefined, 'HIT'],
        ['br', 'HIT'],
        [undefined, 'HIT'],
      ],
      'each representation is served from the cache, as its own',
    );
    assert.equal(origin.count(path), 3, 'the origin was asked once per representation: br, gzip and identity');
  } finally {
    await edge.close();
    await api.app.close();
  }
});
