/**
 * What a run asks of S3, counted in moto's access log by kind: a run given the notified objects
 * (the queue's) reads no listing of the inbox, however many objects the inbox holds; a run without
 * them lists it. The catalogue prefix may be listed by garbage collection, which the test names.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import { CATALOGUE_PREFIX } from '../../src/snapshot/snapshot.js';
import type { StoredObject } from '../../src/store/object-store.js';
import { S3Store } from '../../src/store/s3-store.js';
import { ingestionAsDeployed, publishCatalogue } from '../support/catalogue-store.js';
import { waitFor } from '../support/cli-process.js';
import { requestKinds, startMoto, type Moto, type MotoRequest } from '../support/moto-server.js';

let moto: Moto;
before(async () => {
  moto = await startMoto();
});
after(() => moto.close());

// A bucket without notifications, so its requests are this test's alone.
const BUCKET = 'cinedex-requests';

/** The requests `act` made to the bucket, once moto has logged them all (its log is read as it comes). */
async function requestsOf(act: () => Promise<unknown>): Promise<MotoRequest[]> {
  const from = moto.requests().length;
  await act();
  const marker = `/${BUCKET}/end-of-${from}.json`;
  await fetch(`${moto.endpoint}${marker}`, { method: 'HEAD' });
  await waitFor(() => Promise.resolve(moto.requests().some((r) => r.path === marker)), 10_000, "moto's access log");
  return moto
    .requests()
    .slice(from)
    .filter((r) => r.path.startsWith(`/${BUCKET}/`) && r.path !== marker);
}

const listsOf = (requests: readonly MotoRequest[]) =>
  requests
    .filter((r) => r.method === 'GET' && /[?&]list-type=2/.test(r.path))
    .map((r) => new URL(r.path, 'http://x').searchParams.get('prefix'));

test('a notified run lists nothing of the inbox; a listing run does', async (t) => {
  await moto.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const store = (prefix: string) => new S3Store({ ...moto.storeOptions(prefix), bucket: BUCKET });
  const repository = new SnapshotRepository(store('catalogue/'));
  await publishCatalogue(repository, []);
  const inbox = store('inbox/');
  await Promise.all(
    Array.from({ length: 40 }, (_, i) => inbox.put(`old/${i}.json`, Buffer.from(JSON.stringify([{ title: `Old ${i}`, year: 2000 }])))),
  );
  const ingest = ingestionAsDeployed(repository, inbox);

  const listing = await requestsOf(() => ingest());
  t.diagnostic(`listing run: ${JSON.stringify(requestKinds(listing))}`);
  assert.deepEqual(
    listsOf(listing),
    ['inbox/', `catalogue/${CATALOGUE_PREFIX}`],
    'a listing run lists the inbox, and the catalogue to collect garbage',
  );

  for (const name of ['first', 'second']) {
    const object = await inbox.put(`new/${name}.json`, Buffer.from(JSON.stringify([{ title: `Notified ${name}`, year: 2026 }])));
    let applied: readonly StoredObject[] = [];
    const notified = await requestsOf(async () => {
      const outcome = await ingest([object]);
      applied = outcome.applied;
    });
    t.diagnostic(`notified run (${name}): ${JSON.stringify(requestKinds(notified))}`);
    assert.deepEqual(
      applied.map((o) => o.key),
      [`new/${name}.json`],
    );
    assert.deepEqual(listsOf(notified), [], 'no listing: a collection a moment ago makes another pointless');
    assert.ok(!notified.some((r) => /prefix=inbox/.test(r.path) || r.path.startsWith(`/${BUCKET}/inbox/old/`)), 'nothing of the old inbox');
    const versions = notified.filter((r) => r.method === 'GET' && r.path.includes('/catalogue/versions/'));
    assert.equal(versions.length, 1, 'one manifest read: the current one');
  }
});
