import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Store } from '../../src/store/s3-store.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { S3_CREDENTIALS, startS3, type S3Server } from '../support/s3-server.js';
import { StoreError } from '../../src/errors/errors.js';

let s3: S3Server;
let proxy: FaultProxy;
let endpoint: string;
/** A fresh client per test: the SDK keeps connections alive, and faults are injected per connection. */
const client = () =>
  new S3Store({
    bucket: s3.bucket,
    endpoint,
    region: 'us-east-1',
    credentials: S3_CREDENTIALS,
    maxAttempts: 3,
    requestTimeoutMs: 500,
    connectionTimeoutMs: 500,
  });
before(async () => {
  s3 = await startS3();
  proxy = new FaultProxy(s3.port);
  const port = await proxy.start();
  endpoint = `http://127.0.0.1:${port}`;
  await s3.store().put('obj', Buffer.from('payload'));
});
after(async () => {
  await proxy.close();
  await s3.close();
});

test('server errors are retried with backoff and the call succeeds', async () => {
  proxy.inject('http500', 2);
  const before = proxy.connections;
  const got = await client().get('obj');
  assert.equal(got?.body.toString(), 'payload');
  assert.ok(proxy.connections - before >= 3, `expected 3 attempts, saw ${proxy.connections - before}`);
});

test('connection resets are retried', async () => {
  proxy.inject('reset', 1);
  assert.equal((await client().get('obj'))?.body.toString(), 'payload');
});

test('a server that never answers fails within the timeout budget as a StoreError, after every attempt', async () => {
  proxy.inject('stall', 3);
  const started = Date.now();
  await assert.rejects(client().get('obj'), (error: unknown) => error instanceof StoreError && /S3 get obj/.test(error.message));
  const elapsed = Date.now() - started;
  // Three attempts of 500 ms plus backoff: the bound only says "gave up rather than hanging", with room for a loaded machine.
  assert.ok(elapsed < 20_000, `gave up after ${elapsed} ms`);
  assert.ok(elapsed >= 1000, `should have retried, gave up after ${elapsed} ms`);
});

test('errors that outlast the retries fail clearly', async () => {
  proxy.inject('http500', 3);
  await assert.rejects(
    client().put('x', Buffer.from('y')),
    (error: unknown) => error instanceof StoreError && /failed after 3 attempts/.test(error.message),
  );
});

test('with MOVIES_S3_SSE set, writes ask S3 for server-side encryption; without, they do not', async () => {
  const store = (sse?: 'AES256' | 'aws:kms', kmsKeyId?: string) =>
    new S3Store({
      bucket: s3.bucket,
      endpoint,
      region: 'us-east-1',
      credentials: S3_CREDENTIALS,
      maxAttempts: 1,
      ...(sse ? { sse } : {}),
      ...(kmsKeyId ? { kmsKeyId } : {}),
    });
  const headersOfPut = async (target: S3Store, key: string) => {
    proxy.sent = '';
    await target.put(key, Buffer.from('secret')).catch(() => undefined);
    const put = proxy.sent.split('\r\n\r\n')[0] ?? '';
    assert.match(put, new RegExp(`^PUT /${s3.bucket}/${key}`), 'the PUT went through the proxy');
    return put.toLowerCase();
  };
  assert.match(await headersOfPut(store('AES256'), 'sse-aes'), /\r\nx-amz-server-side-encryption: aes256\r\n/);
  const kms = await headersOfPut(store('aws:kms', 'alias/cinedex'), 'sse-kms');
  assert.match(kms, /\r\nx-amz-server-side-encryption: aws:kms\r\n/);
  assert.match(kms, /\r\nx-amz-server-side-encryption-aws-kms-key-id: alias\/cinedex\r\n/);
  assert.doesNotMatch(await headersOfPut(store(), 'plain'), /x-amz-server-side-encryption/);
});
