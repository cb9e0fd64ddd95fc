import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Movie } from '../../src/catalogue/movie.js';
import { StoreError } from '../../src/errors/errors.js';
import { runIngestion } from '../../src/ingest/ingestion.js';
import { seededFolder, silent, TEST_RETENTION } from '../support/catalogue-store.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { startS3, type S3Server } from '../support/s3-server.js';
import { seedIndex } from '../support/seed-index.js';

const seed = seedIndex().movies.slice(0, 500);
let s3: S3Server;
let proxy: FaultProxy;
let port: number;

before(async () => {
  s3 = await startS3();
  proxy = new FaultProxy(s3.port);
  port = await proxy.start();
});
after(async () => {
  await proxy.close();
  await s3.close();
});

/** One run over a seeded folder store, its inbox on S3 read through the proxy, under a prefix of its own so each test starts empty. */
function ingestThroughProxy(s: Awaited<ReturnType<typeof seededFolder>>, prefix: string) {
  return runIngestion({
    repository: s.repository,
    inbox: s3.store(prefix, { endpoint: `http://127.0.0.1:${port}` }),
    maxObjectBytes: 1 << 20,
    log: silent,
    retention: TEST_RETENTION,
  });
}

for (const code of ['InvalidObjectState']) {
  test(`an inbox object S3 answers ${code} for is rejected into the ledger with its reason, and later runs pass it by`, async () => {
    const prefix = `inbox-${code}/`;
    const writer = s3.store(prefix);
    const target = seed[7] as Movie;
    await writer.put('acme/good.json', Buffer.from(JSON.stringify([{ title: target.title, year: target.year, cast: ['Readable Star'] }])));
    await writer.put('acme/archived.json', Buffer.from(JSON.stringify([{ title: 'Never Read', year: 2026, genres: ['Drama'] }])));
    proxy.refuse({ path: `/${s3.bucket}/${prefix}acme/archived.json`, status: 403, code });
    try {
      const s = await seededFolder(seed);
      const ingest = () => ingestThroughProxy(s, prefix);

      const first = await ingest();
      assert.ok(first.published, 'the readable object is published beside the refused one');
      assert.equal(first.run.objectsApplied, 1);
      assert.equal(first.run.objectsRejected, 1);
      const manifest = await s.repository.readManifest(first.pointer.manifest);
      const refused = manifest.lastRun?.objects.find((o) => o.key === 'acme/archived.json');
      assert.equal(refused?.status, 'rejected');
      assert.match(refused?.reason ?? '', new RegExp(code), 'the reason names what S3 answered');
      const movies = await s.movies();
      assert.ok(movies.some((m) => m.title === target.title && m.cast.includes('Readable Star')));
      assert.ok(!movies.some((m) => m.title === 'Never Read'));

      const second = await ingest();
      assert.equal(second.published, false, 'the refused object is not tried again on every run');
      if (!second.published) assert.equal(second.reason, 'no new inbox objects');
    } finally {
      proxy.clear();
    }
  });
}

// AccessDenied is not a verdict on the object: a policy missing s3:GetObject (or a KMS grant) denies every object
// alike, and rejecting them all into the ledger would lose every provider's data until each file is uploaded again.
for (const [status, code] of [
  [500, 'InternalError'],
  [403, 'AccessDenied'],
] as const) {
  test(`an inbox object S3 fails to serve with ${code} fails the run, stays pending, and applies once S3 serves it`, async () => {
    const prefix = `inbox-pending-${code}/`;
    await s3.store(prefix).put('acme/later.json', Buffer.from(JSON.stringify([{ title: 'Read Later', year: 2026, genres: ['Drama'] }])));
    proxy.refuse({ path: `/${s3.bucket}/${prefix}acme/later.json`, status, code });
    const s = await seededFolder(seed);
    const ingest = () => ingestThroughProxy(s, prefix);
    try {
      const before = (await s.repository.current())!.pointer.version;
      await assert.rejects(
        ingest(),
        (error: unknown) => error instanceof StoreError && error.code === 'STORE_ERROR' && error.message.includes(code),
      );
      assert.equal((await s.repository.current())!.pointer.version, before, 'nothing was published');
    } finally {
      proxy.clear();
    }
    const retried = await ingest();
    assert.ok(retried.published, 'once S3 answers, the next run applies the object');
    assert.ok((await s.movies()).some((m) => m.title === 'Read Later'));
  });
}
