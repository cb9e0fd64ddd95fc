import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { startApi, type RunningApi } from '../support/api-server.js';
import { rawExchange } from '../support/raw-http.js';
import { datasetFrom, seedIndex } from '../support/seed-index.js';
import { selfSignedCert } from '../support/tls-cert.js';
import { LogBatch } from '../../src/runtime/log-batch.js';

const KEY = 'k-0123456789abcdef';

/** A server whose Fastify side records every request it sees: what it does not see, the fast lane answered. */
async function startCounted(
  options: Parameters<typeof startApi>[0] = {},
): Promise<{ api: RunningApi; reachedFastify: string[]; logLines: Record<string, unknown>[] }> {
  const reachedFastify: string[] = [];
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const count = (app: FastifyInstance): void => {
    app.addHook('onRequest', (request, _reply, done) => {
      reachedFastify.push(request.url);
      done();
    });
  };
  const api = await startApi({ logger: pino({ level: 'info' }, sink), plugins: [count], ...options });
  return { api, reachedFastify, logLines };
}

/** The whole response as bytes on the wire, with the one header that may differ between two sends masked: Date. */
async function wire(api: RunningApi, path: string, headers: Record<string, string> = {}): Promise<string> {
  const lines = Object.entries({ host: 'localhost', 'x-request-id': 'same-id-for-both', connection: 'close', ...headers }).map(
    ([k, v]) => `${k}: ${v}\r\n`,
  );
  const raw = await rawExchange(api.port, `GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`);
  return raw.replace(/^date: .*$/im, 'date: <masked>');
}

async function get(
  api: RunningApi,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const res = await fetch(api.base + path, { headers });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

test('the lane and the Fastify route write the same bytes: hits, misses, cursors, 304s, 400s, draining, not ready', async () => {
  let draining = false;
  const { api, reachedFastify } = await startCounted({
    isDraining: () => draining,
    access: { keys: new Map([[KEY, 'acme']]), requireApiKey: false, rateLimit: 0, rateBurst: 0 },
  });
  try {
    const first = JSON.parse((await get(api, '/v1/movies?genre=Drama&year=1950&limit=3')).body) as { next_cursor: string };
    const etag = (await get(api, '/v1/movies?title=mission')).headers.etag as string;
    const cases: [string, Record<string, string>][] = [
      ['/v1/movies?title=mission&cast=tom+cruise', {}],
      ['/v1/movies', {}],
      ['/v1/movies?', {}],
      ['/v1/movies?title=%C3%A9t%C3%A9', {}],
      [`/v1/movies?genre=Drama&year=1950&limit=3&cursor=${encodeURIComponent(first.next_cursor)}`, {}],
      ['/v1/movies?title=mission', { 'if-none-match': etag }],
      ['/v1/movies?year=abc', {}],
      ['/v1/movies?nope=1', {}],
      ['/v1/movies?cursor=garbage', {}],
    ];
    for (const [path, headers] of cases) {
      for (const state of ['serving', 'draining'] as const) {
        draining = state === 'draining';
        const before = reachedFastify.length;
        const lane = await wire(api, path, headers);
        assert.equal(reachedFastify.length, before, `${path} (${state}): the anonymous request did not reach Fastify`);
        const route = await wire(api, path, { ...headers, 'x-api-key': KEY });
        assert.equal(reachedFastify.length, before + 1, `${path} (${state}): the keyed request went through Fastify`);
        assert.equal(lane, route, `${path} (${state})`);
        assert.match(lane, /^HTTP\/1\.1 \d{3} /);
      }
    }
    draining = false;
    const empty = await startCounted({
      empty: true,
      access: { keys: new Map([[KEY, 'acme']]), requireApiKey: false, rateLimit: 0, rateBurst: 0 },
    });
    try {
      const lane = await wire(empty.api, '/v1/movies?year=1999');
      assert.match(lane, /^HTTP\/1\.1 503 /);
      assert.equal(lane, await wire(empty.api, '/v1/movies?year=1999', { 'x-api-key': KEY }));
    } finally {
      await empty.api.app.close();
    }
  } finally {
    await api.app.close();
  }
});

test('the lane echoes request ids, answers If-None-Match with 304, and logs and counts like Fastify', async () => {
  const { api, reachedFastify, logLines } = await startCounted();
  try {
    const path = '/v1/movies?genre=comedy&limit=2';
    const first = await get(api, path, { 'x-request-id': 'from-the-client-1' });
    const again = await get(api, path, { 'x-request-id': 'from-the-client-2' });
    assert.equal(again.headers['x-request-id'], 'from-the-client-2');
    const conditional = await get(api, path, { 'if-none-match': first.headers.etag as string });
    assert.equal(conditional.status, 304);
    assert.equal(conditional.body, '');
    assert.equal(conditional.headers.etag, first.headers.etag);
    const keyed = await get(api, path, { authorization: 'Bearer x', 'x-request-id': 'from-the-client-3' });
    assert.deepEqual(reachedFastify, [path], 'only the request with credentials reached Fastify');
    assert.equal(keyed.body, first.body);
    await new Promise((r) => setTimeout(r, 50));
    const lines = logLines.filter((l) => l.msg === 'request' && l.url === path);
    assert.equal(lines.length, 4);
    const keys = (l: Record<string, unknown>) =>
      Object.keys(l)
        .filter((k) => k !== 'time')
        .sort();
    assert.deepEqual(
      keys(lines[0] as Record<string, unknown>),
      keys(lines[3] as Record<string, unknown>),
      'the lane and Fastify log the same fields',
    );
    assert.deepEqual(
      lines.map((l) => [l.reqId, l.route, l.status, l.client]),
      [
        ['from-the-client-1', '/v1/movies', 200, 'anonymous'],
        ['from-the-client-2', '/v1/movies', 200, 'anonymous'],
        [conditional.headers['x-request-id'], '/v1/movies', 304, 'anonymous'],
        ['from-the-client-3', '/v1/movies', 200, 'anonymous'],
      ],
    );
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    assert.match(metrics, /http_request_duration_seconds_count\{route="\/v1\/movies",status_code="200"\} 3/);
    assert.match(metrics, /http_request_duration_seconds_count\{route="\/v1\/movies",status_code="304"\} 1/);
    // One lookup per request: the first computed the answer, the other three found it.
    assert.match(metrics, /cinedex_response_cache_lookups_total\{result="miss"\} 1\n/);
    assert.match(metrics, /cinedex_response_cache_lookups_total\{result="hit"\} 3\n/);
  } finally {
    await api.app.close();
  }
});

test('a scrape counts every status the lane answered, however the statuses alternate', async () => {
  const { api, reachedFastify } = await startCounted();
  try {
    const ok = '/v1/movies?genre=comedy&limit=2';
    const bad = '/v1/movies?year=abc';
    const etag = (await get(api, ok)).headers.etag as string;
    // Runs of one status and single changes, back to a status seen before: the lane holds the last status's counters.
    const sequence: [string, Record<string, string>, number][] = [
      [ok, {}, 200],
      [ok, { 'if-none-match': etag }, 304],
      [ok, {}, 200],
      [bad, {}, 400],
      [bad, {}, 400],
      [ok, { 'if-none-match': etag }, 304],
      [ok, {}, 200],
      [bad, {}, 400],
      [ok, {}, 200],
    ];
    const expected = new Map<number, number>([[200, 1]]);
    for (const [path, headers, status] of sequence) {
      assert.equal((await get(api, path, headers)).status, status, path);
      expected.set(status, (expected.get(status) ?? 0) + 1);
    }
    assert.deepEqual(reachedFastify, [], 'the lane answered every one');
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    for (const [status, count] of expected) {
      const series = new RegExp(`^http_request_duration_seconds_count\\{route="/v1/movies",status_code="${status}"\\} (\\d+)$`, 'm');
      assert.equal(series.exec(metrics)?.[1], String(count), `status ${status}`);
    }
    assert.match(metrics, /^cinedex_requests_total\{client="anonymous"\} 10$/m);
  } finally {
    await api.app.close();
  }
});

test('a new data version is never answered from the old one', async () => {
  const { api } = await startCounted();
  try {
    const path = '/v1/movies?title=mission&cast=tom+cruise';
    const before = await get(api, path);
    const { movies } = seedIndex();
    // The same catalogue without the newest Mission: Impossible, under a new version.
    const newest = (JSON.parse(before.body) as { items: { id: string }[] }).items[0]?.id;
    api.live.swap(
      datasetFrom(
        'v-next',
        movies.filter((m) => m.id !== newest),
      ),
    );
    const after = await get(api, path);
    assert.notEqual(after.headers.etag, before.headers.etag);
    assert.ok(!after.body.includes(`"${newest}"`));
    assert.equal((await get(api, path, { 'if-none-match': before.headers.etag as string })).status, 200, 'an old ETag is not a match');
  } finally {
    await api.app.close();
  }
});

test('what the lane leaves to Fastify: credentials, other paths and methods, over-long URLs; no lane when clients are limited', async () => {
  const { api, reachedFastify } = await startCounted({
    access: { keys: new Map([[KEY, 'acme']]), requireApiKey: false, rateLimit: 0, rateBurst: 0 },
  });
  try {
    const path = '/v1/movies?year=1999';
    const expectFastify = async (what: string, send: () => Promise<{ status: number }>) => {
      const before = reachedFastify.length;
      const answer = await send();
      assert.equal(reachedFastify.length, before + 1, `${what} goes through Fastify`);
      return answer;
    };
    assert.equal((await expectFastify('a known key', () => get(api, path, { 'x-api-key': KEY }))).status, 200);
    assert.equal((await expectFastify('an Authorization header', () => get(api, path, { authorization: 'Bearer x' }))).status, 200);
    assert.equal((await expectFastify('a cookie', () => get(api, path, { cookie: 'a=b' }))).status, 200);
    // Refused by the access hook before the counting hook runs: the 401 itself shows Fastify answered.
    assert.equal((await get(api, path, { 'x-api-key': 'not-a-key-not-a-key' })).status, 401);
    await expectFastify('HEAD', async () => ({ status: (await fetch(api.base + path, { method: 'HEAD' })).status }));
    await expectFastify('a trailing slash', () => get(api, '/v1/movies/?year=1999'));
    await expectFastify('another path', () => get(api, '/v1/moviesx'));
    assert.equal((await get(api, `/v1/movies?title=${'a'.repeat(9000)}`)).status, 414);
  } finally {
    await api.app.close();
  }
  for (const access of [
    { keys: new Map<string, string>([[KEY, 'acme']]), requireApiKey: true, rateLimit: 0, rateBurst: 0 },
    { keys: new Map<string, string>([[KEY, 'acme']]), requireApiKey: false, rateLimit: 100, rateBurst: 100 },
  ]) {
    const off = await startCounted({ access });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await get(off.api, '/v1/movies?year=1999', { 'x-api-key': KEY })).status, 200);
      assert.equal(off.reachedFastify.length, 3, `no lane with ${JSON.stringify({ ...access, keys: [...access.keys.keys()] })}`);
    } finally {
      await off.api.app.close();
    }
  }
});

test('one answer written by two servers (not ready, a constant) carries the leading headers of each', async () => {
  const { cert, key } = selfSignedCert();
  const plain = await startApi({ empty: true });
  const secure = await startApi({ empty: true, tls: { cert, key } });
  const overTls = (path: string): Promise<{ status: number; hsts: string | undefined }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: secure.port, path, ca: cert }, (r) => {
        r.resume();
        r.on('end', () => resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] as string | undefined }));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    // The plain server writes the answer first, so a head it held for the answer would be the one the other found.
    for (let i = 0; i < 2; i++) {
      const fromPlain = await get(plain, '/v1/movies?year=1999');
      assert.equal(fromPlain.status, 503);
      assert.equal(fromPlain.headers['strict-transport-security'], undefined, `plain, request ${i + 1}`);
      const fromSecure = await overTls('/v1/movies?year=1999');
      assert.equal(fromSecure.status, 503);
      assert.match(fromSecure.hsts ?? '', /max-age=\d+/, `TLS, request ${i + 1}`);
    }
  } finally {
    await plain.app.close();
    await secure.app.close();
  }
});

test('one cached answer asked for from two allowed origins and from none, in turn, carries the CORS headers of each request', async () => {
  const APP = 'https://app.example.com';
  const OTHER = 'https://other.example.com';
  const api = await startApi({ corsOrigins: [APP, OTHER] });
  try {
    const path = '/v1/movies?genre=drama&limit=2';
    // The first origin's head is the one the answer holds; the others must not be handed it, nor it theirs.
    for (const [turn, origin] of [APP, OTHER, undefined, APP, undefined, OTHER, APP].entries()) {
      const id = `turn-${turn}`;
      const answer = await get(api, path, { 'x-request-id': id, ...(origin === undefined ? {} : { origin }) });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['access-control-allow-origin'], origin, `origin ${origin ?? 'none'}`);
      assert.equal(answer.headers['x-request-id'], id);
      assert.match(answer.headers.vary ?? '', /Origin/);
    }
  } finally {
    await api.app.close();
  }
});

test("the lane's log lines through the product's LogBatch carry URLs with quotes and backslashes as JSON, hit or miss, after plain ones", async () => {
  const folder = mkdtempSync(join(tmpdir(), 'lane-log-'));
  const file = join(folder, 'log');
  const fd = openSync(file, 'a');
  const batch = new LogBatch(fd);
  const api = await startApi({ logger: pino({ level: 'info' }, batch) });
  try {
    // A cached answer remembers whether its target is plain ASCII and its hits' lines copy it unchecked: a target with
    // a quote or a backslash (node takes both raw) must be escaped on its miss and its hits, and a 400 (no cached
    // answer) right after a plain hit must not inherit that hit's verdict.
    const plain = '/v1/movies?genre=Drama&limit=2';
    const paths = [
      plain,
      plain,
      '/v1/movies?title="mission"&limit=2',
      '/v1/movies?title="mission"&limit=2',
      plain,
      '/v1/movies?title=a\\b',
      '/v1/movies?title=a\\b',
      plain,
      '/v1/movies?year="1950"',
      plain,
      '/v1/movies?title=x\\"y&nope=1',
    ];
    const ids = paths.map((_, i) => `lane-log-${i}`);
    for (const [i, path] of paths.entries())
      await rawExchange(api.port, `GET ${path} HTTP/1.1\r\nhost: localhost\r\nx-request-id: ${ids[i]}\r\nconnection: close\r\n\r\n`);
    batch.flushSync();
    const logged = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request');
    assert.deepEqual(
      logged.map((l) => [l.reqId, l.url]),
      paths.map((path, i) => [ids[i], path]),
    );
    assert.deepEqual(
      logged.map((l) => l.status),
      [200, 200, 200, 200, 200, 200, 200, 200, 400, 200, 400],
    );
  } finally {
    await api.app.close();
    batch.flushSync();
    closeSync(fd);
    rmSync(folder, { recursive: true });
  }
});
