import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MergeState } from '../../src/merge/merge-state.js';
import { validateRecord, type ValidRecord } from '../../src/catalogue/validate.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/snapshot/state-codec.js';
import type { LedgerEntry, Snapshot } from '../../src/snapshot/snapshot.js';
import { seedIndex } from '../support/seed-index.js';

function record(raw: unknown): ValidRecord {
  const result = validateRecord(raw);
  assert.ok(result.ok);
  return result.record;
}

function sampleSnapshot(): Snapshot {
  const { movies } = seedIndex();
  const state = MergeState.fromMovies(movies.slice(0, 500));
  const ledger: LedgerEntry[] = [
    {
      key: 'acme/a.json',
      etag: 'e1',
      lastModified: 1000,
      size: 10,
      provider: 'acme',
      run: 'run-2',
      status: 'applied',
      recordsApplied: 2,
      recordsRejected: 1,
      rejections: [{ index: 2, reason: 'year must be an integer from 1850 to 2100' }],
    },
  ];
  const first = movies[0];
  assert.ok(first);
  const changes = [
    ...state.apply(record({ title: first.title, year: first.year, genres: ['Changed'] }), {
      lastModified: 1000,
      objectKey: 'acme/a.json',
      position: 0,
    }),
    ...state.apply(record({ title: 'Brand New', year: 2030, cast: ['Someone'], extract: 'x' }), {
      lastModified: 1000,
      objectKey: 'acme/a.json',
      position: 1,
    }),
    ...state.apply(record({ title: (movies[1] as { title: string }).title, year: (movies[1] as { year: number }).year, deleted: true }), {
      lastModified: 1000,
      objectKey: 'acme/a.json',
      position: 3,
    }),
  ];
  return {
    sequence: 2,
    basedOn: '1-abc',
    entries: [...state.allEntries()],
    ledger,
    runs: [
      { id: 'run-2', sequence: 2, objectsApplied: 1, objectsRejected: 0, recordsApplied: 3, recordsRejected: 1, changes: changes.length },
    ],
    audit: changes.map((c) => ({ ...c, source: 0, run: 'run-2' })),
  };
}

test('a snapshot survives encoding: entries with stamps, tombstones, ledger, runs and audit', async () => {
  const snapshot = sampleSnapshot();
  const decoded = await decodeSnapshot(await encodeSnapshot(snapshot));
  const byId = (s: Snapshot) => new Map(s.entries.map((e) => [e.id, e]));
  assert.deepEqual(byId(decoded), byId(snapshot));
  assert.deepEqual(decoded.ledger, snapshot.ledger);
  assert.deepEqual(decoded.runs, snapshot.runs);
  assert.deepEqual(decoded.audit, snapshot.audit);
  assert.equal(decoded.entries.filter((e) => e.deleted).length, 1);
});

test('encoding is deterministic: the same state gives the same bytes whatever the entry order', async () => {
  const snapshot = sampleSnapshot();
  const shuffled = { ...snapshot, entries: [...snapshot.entries].reverse() };
  assert.deepEqual(await encodeSnapshot(shuffled), await encodeSnapshot(snapshot));
});

test('damaged snapshots are refused with a reason', async () => {
  const bytes = await encodeSnapshot(sampleSnapshot());
  const text = gunzipSync(bytes).toString('utf8');
  const lines = text.split('\n');
  await assert.rejects(decodeSnapshot(Buffer.from('not gzip')), /not valid gzip/);
  await assert.rejects(decodeSnapshot(gzipSync(lines.slice(0, 10).join('\n'))), /promises/);
  const badYear = lines.map((l, i) => (i === 1 ? l.replace(/"year":\d+/, '"year":"soon"') : l)).join('\n');
  await assert.rejects(decodeSnapshot(gzipSync(badYear)), /entry 1: year must be an integer/);
  const badId = lines.map((l, i) => (i === 2 ? l.replace(/"id":"[0-9a-f]+"/, '"id":"nope"') : l)).join('\n');
  await assert.rejects(decodeSnapshot(gzipSync(badId)), /entry 2: invalid id/);
  await assert.rejects(decodeSnapshot(gzipSync('{"format":"other"}\n')), /format/);
  const notJson = lines.map((l, i) => (i === 3 ? l.slice(0, -1) : l)).join('\n');
  await assert.rejects(
    decodeSnapshot(gzipSync(notJson)),
    (e: unknown) => e instanceof Error && /line 4 is not valid JSON/.test(e.message) && e.cause instanceof SyntaxError,
  );
  await assert.rejects(decodeSnapshot(Buffer.from('not gzip')), (e: unknown) => e instanceof Error && e.cause instanceof Error);
});
