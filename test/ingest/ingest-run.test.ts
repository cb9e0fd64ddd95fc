import { test } from 'node:test';
import assert from 'node:assert/strict';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { DatasetLoader } from '../../src/snapshot/load-dataset.js';
import { seededFolder } from '../support/catalogue-store.js';

const seed: Movie[] = [
  { id: movieId('Alpha', 2000), title: 'Alpha', year: 2000, cast: ['Ann'], genres: ['Drama'] },
  { id: movieId('Beta', 2001), title: 'Beta', year: 2001, cast: ['Bob'], genres: ['Comedy'] },
  { id: movieId('Carmen', 1915), title: 'Carmen', year: 1915, cast: ['Theda Bara'], genres: ['Drama'] },
  { id: movieId('Carmen', 1915, 1), title: 'Carmen', year: 1915, cast: ['Geraldine Farrar'], genres: ['Drama'] },
];
const T = 1_700_000_000;

function byTitle(movies: Movie[], title: string, year: number): Movie[] {
  return movies.filter((m) => m.title.toLowerCase() === title.toLowerCase() && m.year === year);
}

test('partial updates, new movies, deletions and duplicate keys merge by the contract', async () => {
  const s = await seededFolder(seed);
  s.drop(
    'acme/1.json',
    [
      { title: 'ALPHA', year: 2000, genres: ['Drama', 'Thriller'] },
      { title: 'Gamma', year: 2010, cast: ['Gil'], genres: ['Action'] },
      { title: 'Beta', year: 2001, deleted: true },
      { title: 'carmen', year: 1915, genres: ['Opera'] },
    ],
    T,
  );
  const outcome = await s.ingest();
  assert.ok(outcome.published);
  const movies = await s.movies();
  const [alpha] = byTitle(movies, 'alpha', 2000);
  assert.deepEqual(alpha?.genres, ['Drama', 'Thriller']);
  assert.deepEqual(alpha?.cast, ['Ann'], 'absent fields keep their values');
  assert.equal(alpha?.title, 'ALPHA', 'a stated title replaces the spelling');
  assert.equal(alpha?.id, movieId('Alpha', 2000), 'ids do not change with the spelling');
  assert.equal(byTitle(movies, 'gamma', 2010)[0]?.id, movieId('Gamma', 2010));
  assert.equal(byTitle(movies, 'beta', 2001).length, 0);
  const carmens = byTitle(movies, 'carmen', 1915);
  assert.equal(carmens.length, 2, 'both records with the key are kept');
  assert.ok(
    carmens.every((m) => m.genres[0] === 'Opera'),
    'an update applies to every record with its key',
  );
  assert.deepEqual(carmens.map((m) => m.cast[0]).sort(), ['Geraldine Farrar', 'Theda Bara']);
});

test('a later update brings a deleted movie back; an older one read later does not', async () => {
  const s = await seededFolder(seed);
  s.drop('acme/del.json', [{ title: 'Beta', year: 2001, deleted: true }], T + 100);
  await s.ingest();
  s.drop('late/old.json', [{ title: 'Beta', year: 2001, cast: ['Old'] }], T + 50);
  await s.ingest();
  assert.equal(byTitle(await s.movies(), 'beta', 2001).length, 0, 'an older update read late must not resurrect');
  s.drop('acme/back.json', [{ title: 'Beta', year: 2001, genres: ['Back'] }], T + 200);
  await s.ingest();
  const [beta] = byTitle(await s.movies(), 'beta', 2001);
  assert.deepEqual(beta?.genres, ['Back']);
  assert.deepEqual(beta?.cast, ['Old'], 'the late-read older cast still applied to the field it was newest for');
});

test('an older object processed later does not overwrite newer values', async () => {
  const s = await seededFolder(seed);
  s.drop('a/new.json', [{ title: 'Alpha', year: 2000, cast: ['New'] }], T + 10);
  await s.ingest();
  s.drop('b/old.json', [{ title: 'Alpha', year: 2000, cast: ['Old'], genres: ['OldGenre'] }], T + 5);
  await s.ingest();
  const [alpha] = byTitle(await s.movies(), 'alpha', 2000);
  assert.deepEqual(alpha?.cast, ['New']);
  assert.deepEqual(alpha?.genres, ['OldGenre'], 'fields the newer object did not state take the older value');
});

test('bad files and records are rejected with reasons; the good records still apply; nothing is lost', async () => {
  const s = await seededFolder(seed);
  s.drop(
    'acme/mixed.json',
    [
      { title: 'Alpha', year: 2000, cast: ['Ok'] },
      { title: '', year: 2000 },
      { title: 'X', year: 1700 },
      { title: 'Y', year: 2001, cast: 'not a list' },
      { title: 'Z', year: 2002, deleted: 'yes' },
      JSON.parse('{"__proto__": {"polluted": true}, "title": "Proto", "year": 2003}'),
    ],
    T,
  );
  s.drop('acme/not-array.json', { title: 'Alpha', year: 2000 }, T);
  s.drop('acme/broken.json', '[{"title": "A", ', T);
  s.drop('acme/latin1.json', Buffer.from([0x5b, 0x22, 0xe9, 0x22, 0x5d]), T);
  s.drop('loose.json', [{ title: 'Alpha', year: 2000 }], T);
  s.drop('acme/huge.json', JSON.stringify([{ title: 'Big', year: 2000, extract: 'x'.repeat(5000) }]), T);
  const outcome = await s.ingest(4096);
  assert.ok(outcome.published);
  assert.equal(outcome.run.objectsApplied, 1);
  assert.equal(outcome.run.objectsRejected, 5);
  assert.equal(outcome.run.objectsApplied + outcome.run.objectsRejected, 6);
  assert.equal(outcome.run.recordsApplied, 2);
  assert.equal(outcome.run.recordsRejected, 4);
  const manifest = await s.repository.readManifest(outcome.pointer.manifest);
  const ledger = new Map((manifest.lastRun?.objects ?? []).map((e) => [e.key, e]));
  assert.equal(ledger.size, 6, 'every inbox object is in the ledger');
  assert.equal(ledger.get('acme/latin1.json')?.reason, 'not valid UTF-8');
  assert.match(ledger.get('acme/not-array.json')?.reason ?? '', /not a JSON array/);
  assert.match(ledger.get('acme/broken.json')?.reason ?? '', /not valid JSON/);
  assert.match(ledger.get('loose.json')?.reason ?? '', /under <provider>\//);
  assert.match(ledger.get('acme/huge.json')?.reason ?? '', /more than the limit of 4096 bytes/);
  const mixed = ledger.get('acme/mixed.json');
  assert.deepEqual(
    mixed?.rejections.map((r) => r.index),
    [1, 2, 3, 4],
  );
  assert.match(mixed?.rejections[1]?.reason ?? '', /year must be an integer from 1850 to 2100/);
  assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  assert.ok(byTitle(await s.movies(), 'proto', 2003).length === 1);
  assert.deepEqual(byTitle(await s.movies(), 'alpha', 2000)[0]?.cast, ['Ok']);
  assert.equal(mixed?.provider, 'acme');
});

test('a replayed run changes nothing; a re-uploaded object (new ETag) is processed again', async () => {
  const s = await seededFolder(seed);
  s.drop('acme/1.json', [{ title: 'Alpha', year: 2000, cast: ['One'] }], T);
  await s.ingest();
  const before = await s.repository.current();
  const again = await s.ingest();
  assert.equal(again.published, false);
  assert.deepEqual(await s.repository.current(), before);
  s.drop('acme/1.json', [{ title: 'Alpha', year: 2000, cast: ['Two'] }], T + 60);
  const third = await s.ingest();
  assert.ok(third.published);
  assert.deepEqual(byTitle(await s.movies(), 'alpha', 2000)[0]?.cast, ['Two']);
});

test('every change is audited with its provenance; history is newest first', async () => {
  const s = await seededFolder(seed);
  s.drop('acme/1.json', [{ title: 'Alpha', year: 2000, cast: ['One'] }], T);
  await s.ingest();
  s.drop('other/2.json', [{ title: 'Alpha', year: 2000, cast: ['Two'] }], T + 60);
  await s.ingest();
  const current = await s.repository.current();
  const dataset = await new DatasetLoader(s.repository).load(current!.pointer);
  const history = await dataset.history(movieId('Alpha', 2000));
  assert.deepEqual(
    history.map((h) => [h.field, h.old, h.new, h.object, h.provider, h.lastModified, h.run]),
    [
      ['cast', ['One'], ['Two'], 'other/2.json', 'other', new Date((T + 60) * 1000).toISOString(), 'run-3'],
      ['cast', ['Ann'], ['One'], 'acme/1.json', 'acme', new Date(T * 1000).toISOString(), 'run-2'],
    ],
  );
  assert.equal(dataset.lastRun?.summary.id, 'run-3');
  assert.deepEqual(
    dataset.lastRun?.objects.map((o) => o.key),
    ['other/2.json'],
  );
});

test('a run given objects reads just those, skips the ones the ledger holds, and says which it applied', async () => {
  const s = await seededFolder(seed);
  s.drop('acme/listed-only.json', [{ title: 'Listed', year: 2020 }], T);
  s.drop('acme/notified.json', [{ title: 'Notified', year: 2021 }], T + 1);
  s.drop('acme/bad.json', '{"not": "an array"}', T + 2);
  const head = async (key: string) => {
    const object = await s.inbox.head(key);
    assert.ok(object, key);
    return object;
  };
  const notified = await head('acme/notified.json');
  const bad = await head('acme/bad.json');

  const first = await s.ingest(undefined, undefined, undefined, [notified, bad]);
  assert.ok(first.published);
  assert.deepEqual(
    first.applied.map((o) => o.key),
    ['acme/notified.json', 'acme/bad.json'],
    'a rejected object is settled too: reading it again would reject it again',
  );
  assert.deepEqual(first.alreadyApplied, []);
  const titles = (await s.movies()).map((m) => m.title);
  assert.ok(titles.includes('Notified'));
  assert.ok(!titles.includes('Listed'), 'an object not given is not read');

  const again = await s.ingest(undefined, undefined, undefined, [notified]);
  assert.equal(again.published, false);
  assert.deepEqual(again.applied, []);
  assert.deepEqual(
    again.alreadyApplied.map((o) => o.key),
    ['acme/notified.json'],
  );

  const listed = await s.ingest();
  assert.ok(listed.published);
  assert.deepEqual(
    listed.applied.map((o) => o.key),
    ['acme/listed-only.json'],
    'a listing run applies what the notified runs left',
  );
  assert.deepEqual(listed.alreadyApplied, [], 'a listing run does not return the whole ledger');
});
