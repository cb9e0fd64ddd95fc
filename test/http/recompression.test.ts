import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Recompressor } from '../../src/http/recompressor.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { decode, exchange } from '../support/raw-http.js';

/** Over the first tier's floor (1,024 bytes) with the seed. */
const LARGE = ['/v1/movies?limit=100&year=1994', '/v1/movies?genre=drama&limit=20', '/v1/movies?limit=50&year=1999'];
/** Between the second tier's floor and the first's. */
const MIDDLE = '/v1/movies?limit=1&title=matrix';

async function metric(api: RunningApi, line: RegExp): Promise<number> {
  const text = (await exchange(api.port, '/metrics', {})).body.toString();
  const match = line.exec(text);
  assert.ok(match?.[1] !== undefined, `${String(line)} in /metrics`);
  return Number(match[1]);
}

const cacheBytes = (api: RunningApi): Promise<number> => metric(api, /^cinedex_response_cache_bytes (\d+)$/m);

test('an answer asked for again is recompressed off the request path and swapped in: smaller, the same weak ETag, a 304 for the tag from before, its bytes recounted', async () => {
  const recompressor = new Recompressor({ msPerSecond: 1000 });
  const api = await startApi({ recompressor });
  try {
    const [path] = LARGE as [string];
    const identity = await exchange(api.port, path, {});
    for (const encoding of ['br', 'gzip']) {
      const ask = (extra: Record<string, string> = {}) => exchange(api.port, path, { 'accept-encoding': encoding, ...extra });
      const first = await ask();
      assert.equal(first.headers['content-encoding'], encoding);
      const tag = String(first.headers.etag);
      assert.match(tag, new RegExp(`^W/".+\\+${encoding}"$`), 'a compressed representation has a weak tag of its own');
      const before = await cacheBytes(api);
      const second = await ask();
      assert.deepEqual(second.body, first.body, 'the request that offers the recompression is answered with the fast bytes');
      await recompressor.idle();
      const third = await ask();
      assert.ok(third.body.length < first.body.length, `${encoding}: ${third.body.length} bytes after, ${first.body.length} before`);
      assert.deepEqual(decode(encoding, third.body), identity.body);
      assert.equal(third.headers.etag, tag);
      assert.equal(third.headers.vary, 'Accept-Encoding');
      assert.equal(Number(third.headers['content-length']), third.body.length);
      assert.equal(await cacheBytes(api), before - (first.body.length - third.body.length), 'the cache counts the bytes it now holds');
      const revalidated = await ask({ 'if-none-match': tag });
      assert.equal(revalidated.status, 304, 'the tag from before the swap still names this answer');
      assert.equal(revalidated.headers.etag, tag);
      assert.equal(revalidated.headers.vary, 'Accept-Encoding');
      const done = recompressor.stats.done;
      await ask();
      await recompressor.idle();
      assert.equal(recompressor.stats.done, done, 'the best bytes are not made again');
    }
    const plain = await exchange(api.port, path, {});
    assert.deepEqual(plain.body, identity.body, 'an identity client is not sent the compressed bytes');
    assert.equal(plain.headers.etag, identity.headers.etag);
    assert.equal(plain.headers['content-encoding'], undefined);
  } finally {
    await api.app.close();
  }
});

test('an answer between the floors goes as it is, varying, until asked for again; then compressed, and its identity tag revalidates to the new one', async () => {
  const recompressor = new Recompressor({ msPerSecond: 1000 });
  const api = await startApi({ recompressor });
  try {
    const first = await exchange(api.port, MIDDLE, { 'accept-encoding': 'br' });
    assert.ok(first.body.length >= 256 && first.body.length < 1024, `${first.body.length} bytes`);
    assert.equal(first.headers['content-encoding'], undefined);
    assert.equal(first.headers.vary, 'Accept-Encoding');
    assert.match(String(first.headers.etag), /^"[^+]+"$/);
    await exchange(api.port, MIDDLE, { 'accept-encoding': 'br' });
    await recompressor.idle();
    const after = await exchange(api.port, MIDDLE, { 'accept-encoding': 'br' });
    assert.equal(after.headers['content-encoding'], 'br');
    assert.ok(after.body.length < first.body.length);
    assert.deepEqual(decode('br', after.body), first.body);
    assert.equal(after.headers.etag, `W/${String(first.headers.etag).slice(0, -1)}+br"`);
    const revalidated = await exchange(api.port, MIDDLE, { 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.headers.etag, after.headers.etag, 'the 304 names the representation a 200 would be now');
    const gzip = await exchange(api.port, MIDDLE, { 'accept-encoding': 'gzip' });
    assert.equal(gzip.headers['content-encoding'], undefined, 'each representation is recompressed when it is itself asked for again');
  } finally {
    await api.app.close();
  }
});

test('over its budget the second tier queues, over its queue it skips, and answers keep their first bytes meanwhile', async () => {
  // A microsecond a second: the first job runs on the bucket's start, and its debt then holds the queue for hours.
  const recompressor = new Recompressor({ msPerSecond: 0.001, maxQueued: 1 });
  const api = await startApi({ recompressor });
  try {
    const firsts = [];
    for (const path of LARGE) {
      firsts.push(await exchange(api.port, path, { 'accept-encoding': 'br' }));
      await exchange(api.port, path, { 'accept-encoding': 'br' });
    }
    for (let waited = 0; recompressor.stats.done === 0; waited += 10) {
      assert.ok(waited < 60_000, 'the first recompression ends');
      await sleep(10);
    }
    assert.deepEqual(recompressor.stats, { done: 1, skipped: 1, failed: 0, queued: 1 });
    const [swapped, queued, skipped] = await Promise.all(LARGE.map((path) => exchange(api.port, path, { 'accept-encoding': 'br' })));
    assert.ok((swapped?.body.length ?? 0) < (firsts[0]?.body.length ?? 0));
    assert.deepEqual(queued?.body, firsts[1]?.body);
    assert.deepEqual(skipped?.body, firsts[2]?.body);
    // Asked for again, a skipped answer offers itself again: skipped again while the queue is full.
    assert.equal(recompressor.stats.skipped, 2);
    assert.equal(await metric(api, /^cinedex_recompressions_total\{outcome="skipped"\} (\d+)$/m), 2);
    assert.equal(await metric(api, /^cinedex_recompressions_queued (\d+)$/m), 1);
  } finally {
    await api.app.close();
  }
});

test('the page and the OpenAPI document are recompressed too, under the same tag', async () => {
  const recompressor = new Recompressor({ msPerSecond: 1000 });
  const api = await startApi({ recompressor });
  try {
    const identity = await exchange(api.port, '/openapi.json', {});
    const first = await exchange(api.port, '/openapi.json', { 'accept-encoding': 'br' });
    await exchange(api.port, '/openapi.json', { 'accept-encoding': 'br' });
    await recompressor.idle();
    const after = await exchange(api.port, '/openapi.json', { 'accept-encoding': 'br' });
    assert.ok(after.body.length < first.body.length);
    assert.deepEqual(decode('br', after.body), identity.body);
    assert.equal(after.headers.etag, first.headers.etag);
    assert.equal(
      (await exchange(api.port, '/openapi.json', { 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) })).status,
      304,
    );
  } finally {
    await api.app.close();
  }
});
