import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { Movie } from '../../src/catalogue/movie.js';
import { runIngestion } from '../../src/ingest/ingestion.js';
import { LiveCatalogue } from '../../src/live/live-catalogue.js';
import { registerRefreshMetrics } from '../../src/live/refresh-metrics.js';
import { SnapshotRefresher } from '../../src/live/refresher.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import type { SegmentRef } from '../../src/snapshot/manifest.js';
import { SEGMENT_FORMAT } from '../../src/snapshot/segment-codec.js';
import { POINTER_KEY, type VersionPointer } from '../../src/snapshot/snapshot.js';
import { sha256Hex } from '../../src/snapshot/state-codec.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { publishCatalogue, TEST_RETENTION } from '../support/catalogue-store.js';
import { startS3, type S3Server } from '../support/s3-server.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * What a replica does with a snapshot it must not serve, against a real S3-protocol server and over
 * real sockets: refuses it with one log line, keeps answering from the version it has, and says so
 * in /v1/status and /metrics. The same as during a rolling upgrade, when a newer release publishes
 * a format this one does not read.
 */
const movies = seedIndex().movies.slice(0, 400);
let s3: S3Server;
let repository: SnapshotRepository;
let api: RunningApi;
let refresher: SnapshotRefresher;
const logs: Record<string, unknown>[] = [];
const log = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  }),
);

before(async () => {
  s3 = await startS3();
  repository = new SnapshotRepository(s3.store('catalogue-test/'));
  await publishCatalogue(repository, movies);
  const live = new LiveCatalogue();
  refresher = new SnapshotRefresher(repository, live, log);
  assert.equal(await refresher.refresh(), 'swapped');
  const registry = new Registry();
  registerRefreshMetrics(registry, refresher);
  api = await startApi({ live, registry, status: () => ({ refresh: refresher.state }) });
});

after(async () => {
  await api.app.close();
  await s3.close();
});

let edits = 0;

/**
 * Publishes the next version (one changed movie), then lets `damage` rewrite what the store holds;
 * returns the pointer and how to undo the damage.
 */
async function nextVersion(
  damage: (pointer: VersionPointer) => Promise<() => Promise<void>>,
): Promise<[VersionPointer, () => Promise<void>]> {
  const inbox = s3.store('inbox-test/');
  // Each version changes a movie to a value it never had: an edit that changes nothing publishes a version that adds
  // no segment, which a replica takes without reading anything, so the damage would go unread (seen once as `swapped`).
  edits += 1;
  const movie = movies[edits % movies.length] as Movie;
  await inbox.put(
    `acme/${edits}.json`,
    Buffer.from(JSON.stringify([{ title: movie.title, year: movie.year, cast: [`Somebody New ${edits}`] }])),
  );
  const outcome = await runIngestion({
    repository,
    inbox,
    maxObjectBytes: 1 << 20,
    log: pino({ level: 'silent' }),
    retention: TEST_RETENTION,
  });
  assert.ok(outcome.published);
  // The version a replica finds: the run's, or the merge of segments the policy published after it.
  const pointer = outcome.merge?.pointer ?? outcome.pointer;
  return [pointer, await damage(pointer)];
}

async function servingVersion(): Promise<string> {
  return ((await (await fetch(`${api.base}/readyz`)).json()) as { version: string }).version;
}

/** The segment the version added: the one a replica holding the previous version reads. */
async function newestSegment(pointer: VersionPointer): Promise<SegmentRef> {
  const manifest = await repository.readManifest(pointer.manifest);
  return manifest.deltas[manifest.deltas.length - 1] ?? manifest.base;
}

/** Rewrites an object, returning how to put the original back. */
async function overwrite(key: string, bytes: Buffer): Promise<() => Promise<void>> {
  const original = (await repository.store.get(key))?.body as Buffer;
  await repository.store.put(key, bytes);
  return async () => void (await repository.store.put(key, original));
}

/** Points at a manifest rewritten by `change`, stored under its own name. */
async function repoint(pointer: VersionPointer, change: (manifest: Record<string, unknown>) => Record<string, unknown>) {
  const manifest = change((await repository.readManifest(pointer.manifest)) as unknown as Record<string, unknown>);
  const bytes = Buffer.from(JSON.stringify(manifest));
  const key = `catalogue/versions/${String(pointer.sequence).padStart(8, '0')}-altered.json`;
  await repository.store.put(key, bytes);
  return overwrite(
    POINTER_KEY,
    Buffer.from(JSON.stringify({ ...pointer, manifest: { key, sha256: sha256Hex(bytes), bytes: bytes.length } })),
  );
}

const cases: [string, string, (p: VersionPointer) => Promise<() => Promise<void>>][] = [
  [
    'a flipped byte',
    'damaged',
    async (p) => {
      const { key } = await newestSegment(p);
      const bytes = Buffer.from((await repository.store.get(key))?.body as Buffer);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x20;
      return overwrite(key, bytes);
    },
  ],
  [
    'a truncated object',
    'damaged',
    async (p) => {
      const { key } = await newestSegment(p);
      return overwrite(key, ((await repository.store.get(key))?.body as Buffer).subarray(0, 1000));
    },
  ],
  [
    'a checksum the pointer does not name',
    'damaged',
    async (p) =>
      overwrite(POINTER_KEY, Buffer.from(JSON.stringify({ ...p, manifest: { ...p.manifest, sha256: sha256Hex(Buffer.from('other')) } }))),
  ],
  [
    'a segment format this release does not read',
    'unknown-format',
    async (p) => repoint(p, (m) => ({ ...m, deltas: (m.deltas as SegmentRef[]).map((d) => ({ ...d, format: SEGMENT_FORMAT + 1 })) })),
  ],
  [
    'a manifest format this release does not read',
    'unknown-format',
    async (p) => repoint(p, (m) => ({ ...m, format: 'cinedex-manifest/2' })),
  ],
  [
    'a pointer format this release does not read (a newer release published first)',
    'unknown-format',
    async (p) => overwrite(POINTER_KEY, Buffer.from(JSON.stringify({ ...p, format: 'cinedex-pointer/4' }))),
  ],
  [
    'an object the manifest names that is gone',
    'missing',
    async (p) =>
      repoint(p, (m) => ({ ...m, deltas: (m.deltas as SegmentRef[]).map((d) => ({ ...d, key: 'catalogue/segments/gone.seg' })) })),
  ],
];

describe('a replica refuses a snapshot it must not serve and keeps serving the one it has', () => {
  for (const [what, reason, damage] of cases) {
    test(what, async () => {
      const serving = await servingVersion();
      const before = logs.length;
      const [refused, undo] = await nextVersion(damage);
      assert.equal(await refresher.refresh(), 'refused');
      assert.equal(await servingVersion(), serving, 'still the previous version');
      const page = await fetch(`${api.base}/v1/movies?limit=3`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('etag') ?? '', new RegExp(`^"${serving}\\.`), 'answers come from the previous version');
      const status = (await (await fetch(`${api.base}/v1/status`)).json()) as {
        refresh: { lastError?: { version?: string; reason?: string; message: string } };
      };
      assert.equal(status.refresh.lastError?.reason, reason);
      assert.equal(status.refresh.lastError?.version, refused.version);
      const metrics = await (await fetch(`${api.base}/metrics`)).text();
      assert.match(metrics, new RegExp(`cinedex_snapshot_refusals_total\\{reason="${reason}"\\} [1-9]`));
      assert.match(metrics, new RegExp(`cinedex_snapshot_refused_info\\{version="${refused.version}",reason="${reason}"\\} 1`));
      const lines = logs.slice(before).filter((l) => l.msg === 'snapshot refused; still serving the previous data');
      assert.equal(lines.length, 1, 'one log line');
      assert.equal(lines[0]?.reason, reason);
      // Refused once: the next checks leave it alone until the pointer moves.
      assert.equal(await refresher.refresh(), 'unchanged');
      assert.equal(logs.slice(before).filter((l) => l.msg === 'snapshot refused; still serving the previous data').length, 1);
      // The next good version is served: the replica was never stuck.
      await undo();
      const [good] = await nextVersion(async () => async () => {});
      assert.equal(await refresher.refresh(), 'swapped');
      assert.equal(await servingVersion(), good.version);
    });
  }
});
