import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderStore } from '../../src/store/folder-store.js';
import type { ByteSink, ObjectStore } from '../../src/store/object-store.js';
import { openStore } from '../../src/store/open-store.js';
import { startS3, type S3Server } from '../support/s3-server.js';
import { StoreError, PreconditionFailedError, ObjectTooLargeError } from '../../src/errors/errors.js';

async function keys(store: ObjectStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(prefix)) out.push(o.key);
  return out;
}

/** Wants `wanted` bytes, in views of `sizes` (cycled), each a buffer of its own, and keeps them. */
class RecordingSink implements ByteSink {
  private readonly filledViews: Buffer[] = [];
  private handedOut = 0;
  views = 0;
  constructor(
    private readonly wanted: number,
    private readonly sizes: readonly number[],
  ) {}
  next(max: number): Uint8Array | undefined {
    const n = Math.min(max, this.wanted - this.handedOut, this.sizes[this.views % this.sizes.length] as number);
    if (n <= 0) return undefined;
    this.handedOut += n;
    this.views++;
    return new Uint8Array(n);
  }
  filled(view: Uint8Array, bytes: number): void {
    this.filledViews.push(Buffer.from(view.subarray(0, bytes)));
  }
  bytes(): Buffer {
    return Buffer.concat(this.filledViews);
  }
}

let s3: S3Server;
before(async () => {
  s3 = await startS3();
});
after(() => s3.close());

const adapters: [string, () => ObjectStore][] = [
  ['folder', () => new FolderStore(mkdtempSync(join(tmpdir(), 'cinedex-store-')))],
  // Parts of S3's smallest size, so that a test's object of a few parts is a multipart upload.
  ['s3', () => s3.store(`t${Math.random().toString(36).slice(2)}/`, { partBytes: 5 * 2 ** 20 })],
];

for (const [name, make] of adapters) {
  describe(`${name} store contract`, () => {
    test('put, get, head and list in key order, by prefix', async () => {
      const store = make();
      await store.put('inbox/b/2.json', Buffer.from('[2]'));
      await store.put('inbox/a/1.json', Buffer.from('[1]'));
      await store.put('catalogue/x', Buffer.from('x'));
      assert.deepEqual(await keys(store, 'inbox/'), ['inbox/a/1.json', 'inbox/b/2.json']);
      assert.deepEqual(await keys(store, ''), ['catalogue/x', 'inbox/a/1.json', 'inbox/b/2.json']);
      const got = await store.get('inbox/a/1.json');
      assert.equal(got?.body.toString(), '[1]');
      assert.equal(got?.object.size, 3);
      const head = await store.head('inbox/a/1.json');
      assert.equal(head?.etag, got?.object.etag);
      assert.ok(head && head.etag.length > 0 && !head.etag.includes('"'));
    });

    test('missing objects are undefined, not errors', async () => {
      const store = make();
      assert.equal(await store.get('nope'), undefined);
      assert.equal(await store.head('nope'), undefined);
      assert.deepEqual(await keys(store, 'nope/'), []);
    });

    test('new content gets a new ETag and a later last-modified time', async () => {
      const store = make();
      const first = await store.put('k', Buffer.from('one'));
      const before = await store.head('k');
      await new Promise((r) => setTimeout(r, 1100));
      await store.put('k', Buffer.from('two'));
      const later = await store.head('k');
      assert.ok(before && later);
      assert.notEqual(later.etag, before.etag);
      assert.ok(later.lastModified.getTime() > before.lastModified.getTime());
      assert.ok(first.etag.length > 0);
    });

    test('readInto puts the body where the sink says, in order, in pieces of a large object, and stops when the sink wants no more', async () => {
      const store = make();
      // Larger than the folder store's reads (16 MiB); views of odd sizes, so pieces straddle the store's own.
      const big = Buffer.alloc(17 * 2 ** 20 + 5);
      for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
      await store.put('big', big);
      const whole = new RecordingSink(big.length, [3 * 2 ** 20 + 1, 7, 5 * 2 ** 20]);
      let announced: number | undefined;
      const object = await store.readInto('big', (o) => {
        announced = o.size;
        return whole;
      });
      assert.equal(announced, big.length);
      assert.equal(object?.size, big.length);
      assert.ok(whole.views > 1, `${whole.views} views`);
      assert.ok(whole.bytes().equals(big));
      // A sink that wants the first 1 MiB and 3 bytes only: the store stops there.
      const part = new RecordingSink(2 ** 20 + 3, [2 ** 20]);
      assert.ok(await store.readInto('big', () => part));
      assert.ok(part.bytes().equals(big.subarray(0, 2 ** 20 + 3)));
      assert.equal(await store.readInto('missing', () => assert.fail('no sink for a missing object')), undefined);
      await store.put('empty', Buffer.alloc(0));
      const empty = new RecordingSink(0, [1]);
      assert.equal((await store.readInto('empty', () => empty))?.size, 0);
      assert.equal(empty.views, 0);
    });

    test('putChunks writes the chunks in order as one object, small or of several parts', async () => {
      const store = make();
      // Chunks of odd sizes, some larger than a part and some crossing a part's end; the total is 2½ parts.
      const chunks = [3, 6 * 2 ** 20 + 1, 7, 2 * 2 ** 20, 4 * 2 ** 20 + 5, 1].map((n, i) => Buffer.alloc(n, i + 1));
      for (const chunk of chunks) for (let i = 0; i + 4 <= chunk.length; i += 4096) chunk.writeUInt32LE(i, i);
      const whole = Buffer.concat(chunks);
      await store.putChunks('seg/big', chunks, { length: whole.length });
      assert.ok((await store.get('seg/big', { skipEtag: true }))?.body.equals(whole));
      await store.putChunks('seg/small', [Buffer.from('ab'), Buffer.from('c')], { length: 3 });
      assert.equal((await store.get('seg/small'))?.body.toString(), 'abc');
    });

    test('putChunks refuses chunks that do not add up to the announced length, and leaves no object', async () => {
      const store = make();
      const chunks = [Buffer.alloc(6 * 2 ** 20, 1), Buffer.alloc(1, 2)];
      await assert.rejects(store.putChunks('seg/short', chunks, { length: 6 * 2 ** 20 + 2 }), StoreError);
      await assert.rejects(store.putChunks('seg/long', [Buffer.from('abcd')], { length: 3 }), StoreError);
      assert.equal(await store.head('seg/short'), undefined);
      assert.equal(await store.head('seg/long'), undefined);
      assert.deepEqual(await keys(store, 'seg/'), []);
    });

    test('an object over maxBytes is refused without buffering it', async () => {
      const store = make();
      await store.put('big', Buffer.alloc(2048, 1));
      await assert.rejects(store.get('big', { maxBytes: 1024 }), ObjectTooLargeError);
      assert.equal((await store.get('big', { maxBytes: 4096 }))?.body.length, 2048);
    });
  });
}

describe('conditional writes', () => {
  test('folder: ifNoneMatch and ifMatch are compare-and-swap', async () => {
    const store = new FolderStore(mkdtempSync(join(tmpdir(), 'cinedex-cas-')));
    const first = await store.put('p', Buffer.from('1'), { ifNoneMatch: '*' });
    await assert.rejects(store.put('p', Buffer.from('2'), { ifNoneMatch: '*' }), PreconditionFailedError);
    await store.put('p', Buffer.from('2'), { ifMatch: first.etag });
    await assert.rejects(store.put('p', Buffer.from('3'), { ifMatch: first.etag }), PreconditionFailedError);
    assert.equal((await store.get('p'))?.body.toString(), '2');
  });

  test('folder: concurrent compare-and-swaps from one read: exactly one wins', async () => {
    const store = new FolderStore(mkdtempSync(join(tmpdir(), 'cinedex-race-')));
    const base = await store.put('p', Buffer.from('0'));
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.put('p', Buffer.from(String(i + 1)), { ifMatch: base.etag })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(
      results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof PreconditionFailedError),
    );
  });

  test('s3rver ignores conditional headers: the write goes through (publishing relies on content-addressed snapshots there)', async () => {
    const store = s3.store('cas/');
    await store.put('p', Buffer.from('1'));
    await store.put('p', Buffer.from('2'), { ifNoneMatch: '*' });
    assert.equal((await store.get('p'))?.body.toString(), '2');
  });
});

describe('folder keys stay inside the root', () => {
  test('absolute and parent paths are refused', async () => {
    const store = new FolderStore(mkdtempSync(join(tmpdir(), 'cinedex-escape-')));
    for (const key of ['../x', '/etc/passwd', 'a/../../x', '']) {
      await assert.rejects(store.put(key, Buffer.from('x')), StoreError, key);
    }
  });
});

describe('openStore', () => {
  test('maps s3:// to S3 and paths to folders; rejects bad bucket names', async () => {
    assert.equal((await openStore('s3://my-bucket/some/prefix')).location, 's3://my-bucket/some/prefix/');
    assert.match((await openStore('/tmp/x')).location, /^\/tmp\/x$/);
    await assert.rejects(openStore('s3://Bad_Bucket/x'), StoreError);
  });
});

test('a folder-store lock left by a process that was killed mid-write does not hold up the next conditional write', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cinedex-lock-'));
  const store = new FolderStore(root);
  await store.put('pointer.json', Buffer.from('1'));
  const { etag } = (await store.head('pointer.json'))!;
  // A process that has exited: its pid names nobody now.
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(join(root, 'pointer.json.cinedex-lock'), `${gone.stdout} ${hostname()}`);
  const started = Date.now();
  await store.put('pointer.json', Buffer.from('2'), { ifMatch: etag });
  assert.equal((await store.get('pointer.json'))?.body.toString(), '2');
  // Well before the 30 s after which any lock counts as abandoned, and the 10 s a writer waits for one.
  assert.ok(Date.now() - started < 5000);
  // A lock held by a live process of this host is respected until it is released or goes stale.
  writeFileSync(join(root, 'pointer.json.cinedex-lock'), `${process.pid} ${hostname()}`);
  await assert.rejects(
    store.put('pointer.json', Buffer.from('3'), { ifMatch: (await store.head('pointer.json'))!.etag }),
    /timed out waiting for the lock/,
  );
});
