import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { seedIndex } from '../support/seed-index.js';

/** A server whose Fastify side records every request it sees: what it does not see, the fast lane answered. */
async function startCounted(options: Parameters<typeof startApi>[0] = {}): Promise<{ api: RunningApi; reachedFastify: string[]; logLines: Record<string, unknown>[] }> {
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

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function get(api: RunningApi, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(api.base + path, { headers });
  const body = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), body };
}

/** What must be equal between two answers to the same request: all but the date and the request id. */
function comparable(answer: Answer): Answer {
  const { date: _date, 'x-request-id': _id, ...headers } = answer.headers;
  return { ...answer, headers };
}

const PATHS = ['/v1/movies?title=mission&cast=tom+cruise', '/v1/movies', '/v1/movies?', '/v1/movies?genre=Drama&year=1950&limit=3', '/v1/movies?title=%C3%A9t%C3%A9'];

test('a repeated query is answered by the fast lane, byte for byte as Fastify answered it first', async () => {
  const { api, reachedFastify } = await startCounted();
  try {
    for (const path of PATHS) {
      const first = await get(api, path);
      const seenBefore = reachedFastify.length;
      const again = await get(api, path);
      assert.equal(reachedFastify.length, seenBefore, `${path}: the repeat did not reach Fastify`);
      assert.equal(first.status, 200);
      assert.deepEqual(comparable(again), comparable(first), path);
      assert.ok(again.headers['x-request-id'], 'the lane issues request ids too');
    }
    // Following a cursor from a lane answer works like any other.
    const paged = PATHS[3] as string;
    const page = JSON.parse((await get(api, paged)).body) as { next_cursor: string | null };
    assert.ok(page.next_cursor, `${paged} has a second page`);
    const next = await get(api, `${paged}&cursor=${encodeURIComponent(page.next_cursor)}`);
    assert.equal(next.status, 200);
    assert.notEqual(next.body, (await get(api, paged)).body);
  } finally {
    await api.app.close();
  }
});

test('the lane echoes request ids, answers If-None-Match with 304, and logs and counts like Fastify', async () => {
  const { api, reachedFastify, logLines } = await startCounted();
  try {
    const path = '/v1/movies?genre=comedy&limit=2';
    const first = await get(api, path, { 'x-request-id': 'from-the-client-1' });
    const before = reachedFastify.length;
    const again = await get(api, path, { 'x-request-id': 'from-the-client-2' });
    assert.equal(again.headers['x-request-id'], 'from-the-client-2');
    const conditional = await get(api, path, { 'if-none-match': first.headers.etag as string });
    assert.equal(conditional.status, 304);
    assert.equal(conditional.body, '');
    assert.equal(conditional.headers.etag, first.headers.etag);
    assert.equal(reachedFastify.length, before, 'neither reached Fastify');
    await new Promise((r) => setTimeout(r, 50));
    const lines = logLines.filter((l) => l.msg === 'request' && l.url === path);
    assert.equal(lines.length, 3);
    const keys = (l: Record<string, unknown>) => Object.keys(l).filter((k) => k !== 'time').sort();
    assert.deepEqual(keys(lines[1] as Record<string, unknown>), keys(lines[0] as Record<string, unknown>));
    assert.deepEqual(lines.map((l) => [l.reqId, l.route, l.status, l.client]), [
      ['from-the-client-1', '/v1/movies', 200, 'anonymous'],
      ['from-the-client-2', '/v1/movies', 200, 'anonymous'],
      [conditional.headers['x-request-id'], '/v1/movies', 304, 'anonymous'],
    ]);
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    assert.match(metrics, /http_request_duration_seconds_count\{route="\/v1\/movies",status_code="200"\} 2/);
    assert.match(metrics, /http_request_duration_seconds_count\{route="\/v1\/movies",status_code="304"\} 1/);
    // One computed answer, two from the cache: a miss is counted once although lane and route both looked.
    assert.match(metrics, /cinedex_response_cache_lookups_total\{result="miss"\} 1\n/);
    assert.match(metrics, /cinedex_response_cache_lookups_total\{result="hit"\} 2\n/);
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
    api.live.swap(CatalogueIndex.build('v-next', movies.filter((m) => m.id !== newest)));
    const after = await get(api, path);
    assert.notEqual(after.headers.etag, before.headers.etag);
    assert.ok(!after.body.includes(`"${newest}"`));
    assert.equal((await get(api, path, { 'if-none-match': before.headers.etag as string })).status, 200, 'an old ETag is not a match');
  } finally {
    await api.app.close();
  }
});

test('what the lane leaves to Fastify: API keys, other paths and methods, bad queries, draining, no cache', async () => {
  let draining = false;
  const { api, reachedFastify } = await startCounted({ isDraining: () => draining, access: { keys: new Map([['k-0123456789abcdef', 'acme']]), requireApiKey: false, rateLimit: 0, rateBurst: 0 } });
  try {
    const path = '/v1/movies?year=1999';
    await get(api, path);
    const expectFastify = async (what: string, send: () => Promise<Answer>) => {
      const before = reachedFastify.length;
      const answer = await send();
      assert.equal(reachedFastify.length, before + 1, `${what} goes through Fastify`);
      return answer;
    };
    assert.equal((await expectFastify('a known key', () => get(api, path, { 'x-api-key': 'k-0123456789abcdef' }))).status, 200);
    assert.equal((await expectFastify('an Authorization header', () => get(api, path, { authorization: 'Bearer x' }))).status, 200);
    // Refused by the access hook before the counting hook runs: the 401 itself shows Fastify answered.
    assert.equal((await get(api, path, { 'x-api-key': 'not-a-key-not-a-key' })).status, 401);
    await expectFastify('HEAD', async () => {
      const res = await fetch(api.base + path, { method: 'HEAD' });
      return { status: res.status, headers: {}, body: '' };
    });
    await expectFastify('a trailing slash', () => get(api, '/v1/movies/?year=1999'));
    for (let i = 0; i < 2; i++) assert.equal((await expectFastify('a bad query, every time', () => get(api, '/v1/movies?year=abc'))).status, 400);
    draining = true;
    const drained = await expectFastify('a request while draining', () => get(api, path));
    assert.equal(drained.status, 200);
    assert.equal(drained.headers.connection, 'close');
  } finally {
    await api.app.close();
  }
  for (const options of [{ responseCacheBytes: 0 }, { access: { keys: new Map<string, string>(), requireApiKey: false, rateLimit: 100, rateBurst: 100 } }]) {
    const off = await startCounted(options);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await get(off.api, '/v1/movies?year=1999')).status, 200);
      assert.equal(off.reachedFastify.length, 3, `no lane with ${JSON.stringify(options)}`);
    } finally {
      await off.api.app.close();
    }
  }
});
