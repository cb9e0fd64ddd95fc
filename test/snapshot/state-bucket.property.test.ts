import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SnapshotError } from '../../src/errors/errors.js';
import { encodeStateBucket, encodeStateEntry, seedStateLine, StateBucket, type StateEntry } from '../../src/snapshot/state-bucket.js';

/** Entries with ids of one bucket's shape (16 hex digits), values with text that JSON must escape. */
const entry = fc
  .record({
    id: fc.stringMatching(/^[0-9a-f]{16}$/),
    title: fc.string({ maxLength: 12 }),
    year: fc.integer({ min: 1900, max: 2030 }),
    cast: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    deleted: fc.boolean(),
    changes: fc.integer({ min: 0, max: 2 }),
  })
  .map((e): StateEntry => ({
    id: e.id,
    key: `${e.year}\u0000${e.title.toLowerCase()}`,
    values: { title: e.title, year: e.year, cast: e.cast, genres: [] },
    deleted: e.deleted,
    stamps: e.changes > 0 ? { cast: { lastModified: e.changes, objectKey: 'p/a.json', position: e.changes } } : {},
    history: Array.from({ length: e.changes }, (_, i) => ({
      field: 'cast',
      old: null,
      new: e.cast,
      object: 'p/a.json',
      provider: 'p',
      lastModified: new Date(i).toISOString(),
      run: `run-${i}`,
    })),
  }));

/** The reference: a map by id, later writes winning, encoded whole in id order. */
function reference(entries: readonly StateEntry[]): string {
  const byId = new Map<string, StateEntry>();
  for (const e of entries) byId.set(e.id, e);
  return [...byId.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((e) => encodeStateEntry(e) + '\n')
    .join('');
}

const unique = (entries: readonly StateEntry[]) => [...new Map(entries.map((e) => [e.id, e])).values()];

test('a rewrite equals encoding the merged entries whole, and every entry reads back as written', () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 30 }), fc.array(entry, { maxLength: 10 }), (before, changed) => {
      const first = unique(before);
      const bucket = StateBucket.read(encodeStateBucket(first));
      assert.equal(bucket.size, first.length);
      const updates = unique(changed);
      const after = bucket.rewrite(updates);
      assert.equal(after.toString('utf8'), reference([...first, ...updates]));
      const reread = StateBucket.read(after);
      for (const e of [...first, ...updates]) {
        const expected = updates.find((u) => u.id === e.id) ?? e;
        assert.deepEqual(reread.entry(e.id), JSON.parse(encodeStateEntry(expected)));
      }
      assert.equal(reread.entry('ffffffffffffffff') === undefined, ![...first, ...updates].some((e) => e.id === 'ffffffffffffffff'));
    }),
  );
});

test('lines the rewrite does not touch are copied byte for byte', () => {
  const a = encodeStateBucket([
    {
      id: '0000000000000001',
      key: 'k1',
      values: { title: 'A', year: 2000, cast: [], genres: [] },
      deleted: false,
      stamps: {},
      history: [],
    },
    {
      id: '0000000000000003',
      key: 'k3',
      values: { title: 'C', year: 2000, cast: [], genres: [] },
      deleted: false,
      stamps: {},
      history: [],
    },
  ]);
  // A line written by an older release with members in another order is still an entry; untouched, it stays as it was.
  const foreign = Buffer.from(
    '{"id":"0000000000000002","values":{"year":2000,"title":"B","genres":[],"cast":[]},"key":"k2","deleted":false,"stamps":{},"history":[]}\n',
  );
  const bytes = Buffer.concat([a.subarray(0, a.indexOf('\n') + 1), foreign, a.subarray(a.indexOf('\n') + 1)]);
  const rewritten = StateBucket.read(bytes).rewrite([
    { id: '0000000000000004', key: 'k4', values: { title: 'D', year: 2000, cast: [], genres: [] }, deleted: true, stamps: {}, history: [] },
  ]);
  assert.ok(rewritten.toString('utf8').includes(foreign.toString('utf8')));
  assert.equal(StateBucket.read(rewritten).size, 4);
});

test('a truncated, unordered or foreign bucket is refused with the reason', () => {
  const good = encodeStateBucket([
    { id: '0000000000000001', key: 'k', values: { title: 'A', year: 2000, cast: [], genres: [] }, deleted: false, stamps: {}, history: [] },
    { id: '0000000000000002', key: 'k', values: { title: 'B', year: 2000, cast: [], genres: [] }, deleted: false, stamps: {}, history: [] },
  ]);
  assert.throws(
    () => StateBucket.read(good.subarray(0, good.length - 1)),
    (e: unknown) => e instanceof SnapshotError && /truncated/.test(e.message),
  );
  const lines = good.toString('utf8').trimEnd().split('\n');
  assert.throws(() => StateBucket.read(Buffer.from(`${lines[1]}\n${lines[0]}\n`)), /not in id order/);
  assert.throws(() => StateBucket.read(Buffer.from('{"title":"x"}\n')), /does not start with an entry id/);
});

test("a seed's line made from its values' JSON is encodeStateEntry's line for the same entry", () => {
  fc.assert(
    fc.property(entry, fc.array(fc.stringMatching(/^[0-9a-f]{16}$/), { maxLength: 3 }), (e, siblings) => {
      const fresh: StateEntry = { id: e.id, key: e.key, values: e.values, deleted: false, stamps: {}, history: [] };
      const withSiblings = siblings.length > 0 ? { ...fresh, siblings } : fresh;
      assert.equal(seedStateLine(e.id, e.key, JSON.stringify(e.values), siblings), encodeStateEntry(withSiblings));
    }),
    { numRuns: 300 },
  );
});
