import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { SortOrder } from '../../src/engine/search-request.js';
import { CursorCodec, queryFingerprint } from '../../src/query/cursor.js';
import { QueryError } from '../../src/errors/errors.js';

const codec = new CursorCodec('test-secret');
const position = fc.record({ year: fc.integer({ min: 0, max: 9999 }), title: fc.string(), id: fc.stringMatching(/^[0-9a-f]{16}$/) });
const query = { title: 'mission', cast: ['tom cruise'], genres: [] };
const fp = queryFingerprint(query);

test('a cursor decodes to the position it was made from, in every order, with its relevance key', () => {
  fc.assert(fc.property(position, (p) => assert.deepEqual(codec.decode(codec.encode(p, fp), fp), { position: { ...p } })));
  const sorts = fc.constantFrom('year:desc', 'year:asc', 'title:asc', 'title:desc', 'relevance') as fc.Arbitrary<SortOrder>;
  fc.assert(
    fc.property(position, sorts, fc.option(fc.nat(), { nil: undefined }), (p, sort, relevance) => {
      const key = sort === 'relevance' ? relevance : undefined;
      const decoded = codec.decode(codec.encode(p, fp, sort, key), fp, sort);
      assert.deepEqual(decoded, key === undefined ? { position: { ...p } } : { position: { ...p }, relevance: key });
    }),
  );
});

test('a cursor is bound to its order: another order is refused like another query', () => {
  const p = { year: 1996, title: 'Mission: Impossible', id: '0123456789abcdef' };
  assert.throws(() => codec.decode(codec.encode(p, fp, 'title:asc'), fp, 'year:asc'), /different query or order/);
  assert.throws(() => codec.decode(codec.encode(p, fp), fp, 'title:asc'), /different query or order/);
  // The catalogue order keeps writing version 1, which every release reads.
  const payload = Buffer.from(codec.encode(p, fp).split('.')[0] as string, 'base64url').toString();
  assert.deepEqual(JSON.parse(payload), [1, 1996, 'Mission: Impossible', '0123456789abcdef', fp]);
});

test('any edit to a cursor is detected', () => {
  fc.assert(
    fc.property(position, fc.nat(), fc.integer({ min: 1, max: 63 }), (p, at, delta) => {
      const cursor = codec.encode(p, fp);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const i = at % cursor.length;
      if (cursor[i] === '.') return;
      const replaced = alphabet[(alphabet.indexOf(cursor[i] as string) + delta) % 64] as string;
      const edited = cursor.slice(0, i) + replaced + cursor.slice(i + 1);
      assert.throws(() => codec.decode(edited, fp), QueryError);
    }),
  );
});

test('garbage, another secret and another query are all refused with distinct messages', () => {
  const cursor = codec.encode({ year: 1996, title: 'Mission: Impossible', id: '0123456789abcdef' }, fp);
  for (const junk of ['', 'abc', '.', 'a.b', `${cursor}x`, 'x'.repeat(5000)]) {
    assert.throws(() => codec.decode(junk, fp), /cursor is not valid/);
  }
  assert.throws(() => new CursorCodec('other').decode(cursor, fp), /cursor is not valid/);
  assert.throws(() => codec.decode(cursor, queryFingerprint({ ...query, year: 1996 })), /different query/);
});

test('fingerprints tell queries apart', () => {
  const a = queryFingerprint({ cast: ['a'], genres: [] });
  assert.notEqual(a, queryFingerprint({ cast: [], genres: ['a'] }));
  assert.notEqual(a, queryFingerprint({ title: 'a', cast: [], genres: [] }));
  assert.equal(a, queryFingerprint({ cast: ['a'], genres: [] }));
  // Deployed replicas issue cursors with this fingerprint: it must not change between releases.
  assert.equal(
    a,
    createHash('sha256')
      .update(JSON.stringify([null, null, ['a'], []]))
      .digest('base64url')
      .slice(0, 11),
  );
});
