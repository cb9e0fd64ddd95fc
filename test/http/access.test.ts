import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApiKeys } from '../../src/http/access.js';
import { TokenBuckets } from '../../src/http/token-bucket.js';
import { startApi } from '../support/api-server.js';
import { ApiKeyFileError } from '../../src/errors/errors.js';

const KEY = 'k-0123456789abcdef';

test('token buckets allow `burst` at once, then `rate` per second, per client', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 20 }),
      fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 60 }),
      (rate, burst, gaps) => {
        const buckets = new TokenBuckets(rate, burst);
        let now = 0;
        let allowed = 0;
        for (const gap of gaps) {
          now += gap;
          if (buckets.take('c', now) === 0) allowed++;
        }
        // Never more than the burst plus what the elapsed time refilled.
        assert.ok(allowed <= burst + Math.floor((now / 1000) * rate) + 1);
        const fresh = new TokenBuckets(rate, burst);
        for (let i = 0; i < burst; i++) assert.equal(fresh.take('d', 0), 0);
        assert.ok(fresh.take('d', 0) > 0, 'the request after the burst waits');
        assert.equal(fresh.take('other', 0), 0, 'clients have their own buckets');
      },
    ),
  );
});

test('API key files are checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-keys-'));
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ [KEY]: 'acme' }));
  writeFileSync(join(dir, 'short.json'), JSON.stringify({ abc: 'acme' }));
  writeFileSync(join(dir, 'list.json'), '[]');
  assert.deepEqual(loadApiKeys(join(dir, 'ok.json')), new Map([[KEY, 'acme']]));
  assert.throws(() => loadApiKeys(join(dir, 'short.json')), ApiKeyFileError);
  assert.throws(() => loadApiKeys(join(dir, 'list.json')), ApiKeyFileError);
  assert.throws(() => loadApiKeys(join(dir, 'missing.json')), /cannot read the API key file/);
});

test('keys identify clients in metrics; unknown keys are 401; anonymous is allowed unless required', async () => {
  const api = await startApi({ access: { keys: new Map([[KEY, 'acme']]), requireApiKey: false, rateLimit: 0, rateBurst: 0 } });
  try {
    assert.equal((await fetch(`${api.base}/v1/genres`, { headers: { 'x-api-key': KEY } })).status, 200);
    assert.equal((await fetch(`${api.base}/v1/genres`)).status, 200);
    const bad = await fetch(`${api.base}/v1/genres`, { headers: { 'x-api-key': 'wrong-key-wrong-key' } });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('content-type') ?? '', /problem\+json/);
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    assert.match(metrics, /cinedex_requests_total\{client="acme"\} 1/);
    assert.ok(/cinedex_requests_total\{client="anonymous"\} [1-9]/.test(metrics), 'anonymous requests are counted');
  } finally {
    await api.app.close();
  }
  const strict = await startApi({ access: { keys: new Map([[KEY, 'acme']]), requireApiKey: true, rateLimit: 0, rateBurst: 0 } });
  try {
    const res = await fetch(`${strict.base}/v1/movies`);
    assert.equal(res.status, 401);
    assert.match(((await res.json()) as { detail: string }).detail, /needs an API key/);
    assert.equal((await fetch(`${strict.base}/v1/movies`, { headers: { 'x-api-key': KEY } })).status, 200);
    assert.equal((await fetch(`${strict.base}/healthz`)).status, 200, 'probes need no key');
  } finally {
    await strict.app.close();
  }
});

test('over the rate limit: 429 problem with Retry-After, per client', async () => {
  // One token per 1,000 s: the requests below take far less, however loaded the machine (at 1 a second, five
  // requests taking over a second on a load of 20 refilled a token). TokenBuckets' own tests hold the arithmetic.
  const rateLimit = 0.001;
  const api = await startApi({ access: { keys: new Map([[KEY, 'acme']]), requireApiKey: false, rateLimit, rateBurst: 3 } });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${api.base}/v1/genres`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const limited = await fetch(`${api.base}/v1/genres`);
    assert.equal(limited.status, 429);
    // The seconds until the next token, rounded up: all but the time the requests took of 1 / rateLimit.
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 1 / rateLimit - 60 && retryAfter <= 1 / rateLimit, `Retry-After ${retryAfter}`);
    assert.match(((await limited.json()) as { detail: string }).detail, /rate limit of 0.001 requests per second/);
    assert.equal(
      (await fetch(`${api.base}/v1/genres`, { headers: { 'x-api-key': KEY } })).status,
      200,
      'a keyed client has its own bucket',
    );
  } finally {
    await api.app.close();
  }
});
