import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonAnswer, notModifiedAnswer } from '../../src/http/answer.js';
import { ResponseCache, type CachedAnswer } from '../../src/http/response-cache.js';

function cached(body: Buffer, etag = `"${body.length}"`): CachedAnswer {
  const identity = {
    answer: { ...jsonAnswer(body, etag, 'public, max-age=10'), body },
    notModified: notModifiedAnswer(etag, 'public, max-age=10'),
  };
  return { etag, identity, compressible: false, compressed: {}, plainTarget: true };
}

test('answers are kept per data version: another version misses, and storing one drops the old', () => {
  const cache = new ResponseCache(1 << 20);
  assert.equal(cache.get('v1', 'title=a'), undefined);
  cache.set('v1', 'title=a', cached(Buffer.from('one')));
  assert.equal(cache.get('v1', 'title=a')?.identity.answer.body.toString(), 'one');
  assert.equal(cache.get('v2', 'title=a'), undefined);
  cache.set('v2', 'title=b', cached(Buffer.from('two')));
  assert.equal(cache.get('v1', 'title=a'), undefined);
  assert.equal(cache.stats.entries, 1);
  assert.deepEqual([cache.stats.hits, cache.stats.misses], [1, 3], 'each lookup counts once, as a hit or a miss');
});

test('the byte bound holds for any sequence of answers; a cache of 0 bytes keeps nothing', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4000 }),
      fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 1500 })), { maxLength: 80 }),
      (max, entries) => {
        const cache = new ResponseCache(max);
        for (const [key, size] of entries) {
          cache.set('v', key, cached(Buffer.alloc(size), '"x"'));
          assert.ok(cache.stats.bytes <= max);
        }
        if (max === 0) assert.equal(cache.stats.entries, 0);
        const last = entries.at(-1);
        // The newest answer is kept whenever it fits on its own (the per-entry estimate is under 400 bytes).
        if (last && last[1] + last[0].length * 2 + 400 <= max) assert.ok(cache.get('v', last[0]));
      },
    ),
  );
});
