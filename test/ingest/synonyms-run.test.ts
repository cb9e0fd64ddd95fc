import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { registerIngestMetrics } from '../../src/ingest/ingest-metrics.js';
import { IngestScheduler } from '../../src/ingest/scheduler.js';
import { LiveCatalogue } from '../../src/live/live-catalogue.js';
import { DatasetLoader } from '../../src/snapshot/load-dataset.js';
import { SYNONYMS_PREFIX } from '../../src/snapshot/synonyms-file.js';
import { startApi } from '../support/api-server.js';
import { seededFolder, silent } from '../support/catalogue-store.js';

/**
 * The operator's synonyms file (issue 18): dropped at config/synonyms.json in the store, read by the
 * next run, written into the version the manifest names, served by replicas with the data; a bad
 * file is rejected with its reason and the version keeps its synonyms; collection keeps what a kept
 * version names.
 */

const movies: Movie[] = [
  {
    id: movieId('The Lord of the Rings: The Two Towers', 2002),
    title: 'The Lord of the Rings: The Two Towers',
    year: 2002,
    cast: [],
    genres: [],
  },
  { id: movieId('Lord of War', 2005), title: 'Lord of War', year: 2005, cast: [], genres: [] },
];

async function store() {
  const s = await seededFolder(movies);
  const file = join(s.root, 'store', 'config', 'synonyms.json');
  mkdirSync(join(s.root, 'store', 'config'), { recursive: true });
  return {
    ...s,
    writeSynonyms: (content: unknown) => writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content)),
    async manifest() {
      const current = await s.repository.current();
      assert.ok(current?.pointer.format === 'cinedex-pointer/3');
      return s.repository.readManifest(current.pointer.manifest);
    },
    async dataset() {
      const current = await s.repository.current();
      assert.ok(current);
      return new DatasetLoader(s.repository).load(current.pointer);
    },
  };
}

test('over HTTP: `lotr` finds The Lord of the Rings once the operator drops the file and a run publishes, with no inbox change', async () => {
  const s = await store();
  const live = new LiveCatalogue();
  live.swap(await s.dataset());
  const api = await startApi({ live });
  try {
    const search = async () =>
      ((await (await fetch(`${api.base}/v1/movies?q=lotr&match=all`)).json()) as { items: { title: string }[] }).items;
    assert.deepEqual(await search(), [], 'no synonyms yet');

    s.writeSynonyms([{ root: 'lotr', synonyms: ['lord of the rings'] }]);
    const outcome = await s.ingest();
    assert.ok(outcome.published, 'a changed synonyms file publishes a version on its own');
    assert.deepEqual(outcome.synonyms && { status: outcome.synonyms.status }, { status: 'applied' });
    live.swap(await s.dataset());

    assert.deepEqual(
      (await search()).map((m) => m.title),
      ['The Lord of the Rings: The Two Towers'],
    );
    const status = (await (await fetch(`${api.base}/v1/status`)).json()) as {
      synonyms: { key: string; entries: number; rules: number; source: { key: string } };
    };
    assert.ok(status.synonyms.key.startsWith(SYNONYMS_PREFIX));
    assert.equal(status.synonyms.source.key, 'config/synonyms.json');
    assert.equal(status.synonyms.entries, 1);
    assert.equal(status.synonyms.rules, 1);
  } finally {
    await api.app.close();
  }
});

test('an unchanged file publishes nothing; a removed file drops the synonyms in the next version', async () => {
  const s = await store();
  s.writeSynonyms([{ synonyms: ['lotr', 'lord of the rings'] }]);
  assert.ok((await s.ingest()).published);
  const again = await s.ingest();
  assert.equal(again.published, false, 'same ETag: nothing to publish');
  assert.equal(again.synonyms, undefined);
  const { rmSync } = await import('node:fs');
  rmSync(join(s.root, 'store', 'config', 'synonyms.json'));
  assert.ok((await s.ingest()).published);
  assert.equal((await s.manifest()).synonyms, null);
  assert.equal((await s.dataset()).index.synonyms.size, 0);
});

test('a bad file is rejected with its reason and entry; the version keeps the synonyms it had', async () => {
  const s = await store();
  s.writeSynonyms([{ root: 'lotr', synonyms: ['lord of the rings'] }]);
  await s.ingest();
  const before = (await s.manifest()).synonyms;
  const bad: [unknown, RegExp][] = [
    ['{"root": "lotr",', /^not JSON/],
    [{ root: 'lotr', synonyms: ['lord of the rings'] }, /must be a JSON array/],
    [[{ root: 'lotr', synonyms: ['lord of the rings'] }, { synonyms: ['sci-fi'] }], /^entry 1: a multi-way entry needs two phrases/],
    [[{ root: 'lotr', synonyms: ['--'] }], /^entry 0: synonyms\[0\] "--" has no word/],
    [[{ root: 'lotr', synonym: ['x'] }], /^entry 0: unknown field "synonym"/],
    [Array.from({ length: 2001 }, () => ({ root: 'a', synonyms: ['b'] })), /2001 entries, more than 2000/],
  ];
  for (const [content, reason] of bad) {
    s.writeSynonyms(content);
    const outcome = await s.ingest();
    assert.equal(outcome.published, false, 'a rejected file alone publishes nothing');
    assert.equal(outcome.synonyms?.status, 'rejected');
    assert.match(outcome.synonyms?.status === 'rejected' ? outcome.synonyms.reason : '', reason);
    assert.deepEqual((await s.manifest()).synonyms, before);
  }
  // With an inbox change, the run publishes the data and still keeps the previous synonyms.
  s.drop('acme/1.json', [{ title: 'Lord of War', year: 2005, genres: ['Crime'] }], 1_700_000_000);
  const outcome = await s.ingest();
  assert.ok(outcome.published);
  assert.equal(outcome.synonyms?.status, 'rejected');
  assert.deepEqual((await s.manifest()).synonyms, before);
  assert.equal((await s.dataset()).index.synonyms.size, 1);
});

test('a rejected file counts in cinedex_ingest_synonyms_rejected_total on every run that sees it, until it is fixed', async () => {
  const s = await store();
  const registry = new Registry();
  const scheduler = new IngestScheduler(
    () => s.ingest(),
    silent,
    () => {},
    registerIngestMetrics(registry),
  );
  const rejected = async () => {
    const text = await registry.getSingleMetricAsString('cinedex_ingest_synonyms_rejected_total');
    return Number(/^cinedex_ingest_synonyms_rejected_total (\d+)$/m.exec(text)?.[1]);
  };
  assert.equal(await rejected(), 0, 'exported from the start, so increase() sees the first rejection');
  s.writeSynonyms([{ root: 'lotr', synonyms: ['lord of the rings'] }]);
  await scheduler.run();
  assert.equal(await rejected(), 0, 'a valid file is not counted');

  s.writeSynonyms('{"root": "lotr",');
  assert.equal((await scheduler.run()).synonyms?.status, 'rejected');
  assert.equal(await rejected(), 1);
  await scheduler.run();
  assert.equal(await rejected(), 2, 'still invalid at the next run: counted again');

  s.writeSynonyms([{ root: 'lotr', synonyms: ['lord of the rings', 'lord of war'] }]);
  assert.equal((await scheduler.run()).synonyms?.status, 'applied');
  await scheduler.run();
  assert.equal(await rejected(), 2, 'fixed: no more');
});

test('collection keeps the synonyms objects kept versions name, and deletes those none does', async () => {
  const s = await store();
  const listed = async () => {
    const { readdirSync } = await import('node:fs');
    return readdirSync(join(s.root, 'store', SYNONYMS_PREFIX)).map((f) => SYNONYMS_PREFIX + f);
  };
  s.writeSynonyms([{ root: 'lotr', synonyms: ['lord of the rings'] }]);
  await s.ingest();
  const first = (await s.manifest()).synonyms?.key;
  s.writeSynonyms([{ root: 'lotr', synonyms: ['the lord of the rings'] }]);
  await s.ingest();
  const second = (await s.manifest()).synonyms?.key;
  assert.ok(first && second && first !== second);
  // Runs with only inbox changes: keep 3 versions, so the first synonyms' version falls out of retention.
  for (let i = 0; i < 4; i++) {
    s.drop(`acme/${i}.json`, [{ title: 'Lord of War', year: 2005, genres: [`G${i}`] }], 1_700_000_000 + i);
    await s.ingest(1024 * 1024, { keep: 1, graceMs: 0 });
  }
  assert.deepEqual(await listed(), [second], 'the synonyms still in force are kept across runs that did not change them');
});
