import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi } from '../support/api-server.js';

const APP = 'https://app.example.com';
const KEY = 'k-0123456789abcdef';

async function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(base + path, { method, headers });
  await res.arrayBuffer();
  return { status: res.status, headers: res.headers };
}

test('CORS by default (`*`): every /v1 answer, from the lane and from Fastify, says any origin may read it and exposes the useful headers', async () => {
  const api = await startApi();
  try {
    for (const path of ['/v1/movies?title=matrix', '/v1/genres', '/v1/movies/nope', '/openapi.json']) {
      const { headers } = await get(api.base, path, { origin: APP });
      assert.equal(headers.get('access-control-allow-origin'), '*', path);
      assert.equal(headers.get('access-control-expose-headers'), 'ETag, X-Request-Id, Retry-After', path);
      assert.equal(headers.get('vary')?.includes('Origin') ?? false, false, `${path}: one answer for every origin, so no Vary: Origin`);
    }
    assert.equal(
      (await get(api.base, '/healthz', { origin: APP })).headers.get('access-control-allow-origin'),
      null,
      'operators’ endpoints are not CORS',
    );
    const preflight = await get(
      api.base,
      '/v1/movies',
      { origin: APP, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' },
      'OPTIONS',
    );
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET, HEAD');
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'X-Api-Key, If-None-Match, X-Request-Id');
    assert.equal(preflight.headers.get('access-control-max-age'), '7200');
  } finally {
    await api.app.close();
  }
});

test('CORS with a list: an allowed origin is echoed with Vary: Origin; another gets no CORS headers, and its preflight allows nothing', async () => {
  const api = await startApi({ corsOrigins: [APP] });
  try {
    for (const path of ['/v1/movies?genre=drama&limit=2', '/v1/genres']) {
      const allowed = await get(api.base, path, { origin: APP });
      assert.equal(allowed.headers.get('access-control-allow-origin'), APP, path);
      assert.match(allowed.headers.get('vary') ?? '', /Origin/, path);
      const other = await get(api.base, path, { origin: 'https://evil.example' });
      assert.equal(other.status, 200, 'not an error page: the browser withholds the answer');
      assert.equal(other.headers.get('access-control-allow-origin'), null, path);
      assert.match(other.headers.get('vary') ?? '', /Origin/, `${path}: caches must not hand one origin's answer to another`);
    }
    const refused = await get(
      api.base,
      '/v1/movies',
      { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      'OPTIONS',
    );
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
    assert.equal(refused.headers.get('access-control-allow-methods'), null);
  } finally {
    await api.app.close();
  }
});

test('CORS and API keys: the preflight needs no key; the keyed request, its 401 and its 429 all carry CORS headers a script can read', async () => {
  const api = await startApi({ access: { keys: new Map([[KEY, 'acme']]), requireApiKey: true, rateLimit: 1, rateBurst: 1 } });
  try {
    const preflight = await get(
      api.base,
      '/v1/movies?title=matrix',
      { origin: APP, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' },
      'OPTIONS',
    );
    assert.equal(preflight.status, 204, 'a browser sends the preflight without the key it asks about');
    const keyed = await get(api.base, '/v1/movies?title=matrix', { origin: APP, 'x-api-key': KEY });
    assert.equal(keyed.status, 200);
    assert.equal(keyed.headers.get('access-control-allow-origin'), '*');
    const unkeyed = await get(api.base, '/v1/movies?title=matrix', { origin: APP });
    assert.equal(unkeyed.status, 401);
    assert.equal(unkeyed.headers.get('access-control-allow-origin'), '*', 'the script can read why it was refused');
    const limited = await get(api.base, '/v1/movies?title=matrix', { origin: APP, 'x-api-key': KEY });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('access-control-allow-origin'), '*');
    assert.match(limited.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
    assert.ok(limited.headers.get('retry-after'));
  } finally {
    await api.app.close();
  }
});
