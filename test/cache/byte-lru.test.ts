import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteLru } from '../../src/cache/byte-lru.js';

type Op =
  | { op: 'set'; key: string; bytes: number }
  | { op: 'replace'; key: string; bytes: number }
  | { op: 'get'; key: string }
  | { op: 'delete'; key: string };

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), key, bytes: fc.integer({ min: 0, max: 120 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replace' as const), key, bytes: fc.integer({ min: 0, max: 120 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
);

/** The naive reading of "LRU by bytes": a list in recency order, oldest dropped first until the total fits. */
class Model {
  entries: { key: string; bytes: number }[] = [];
  constructor(private readonly max: number) {}
  total(): number {
    return this.entries.reduce((sum, e) => sum + e.bytes, 0);
  }
  set(key: string, bytes: number): boolean {
    this.entries = this.entries.filter((e) => e.key !== key);
    if (bytes > this.max) return false;
    this.entries.push({ key, bytes });
    while (this.total() > this.max) this.entries.shift();
    return true;
  }
  /** In place: the order stays, the oldest go while the total does not fit (the replaced one too, if it is the oldest). */
  replace(key: string, bytes: number): boolean {
    const entry = this.entries.find((e) => e.key === key);
    if (entry === undefined) return false;
    if (bytes > this.max) {
      this.delete(key);
      return false;
    }
    entry.bytes = bytes;
    while (this.total() > this.max) this.entries.shift();
    return this.entries.includes(entry);
  }
  get(key: string): boolean {
    const at = this.entries.findIndex((e) => e.key === key);
    if (at === -1) return false;
    this.entries.push(...this.entries.splice(at, 1));
    return true;
  }
  delete(key: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.key !== key);
    return this.entries.length < before;
  }
}

test('ByteLru agrees with the naive model: same keys in the same order, byte bound never exceeded, the latest set kept', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 300 }), fc.array(op, { maxLength: 300 }), (max, ops) => {
      const lru = new ByteLru<string>(max);
      const model = new Model(max);
      for (const o of ops) {
        if (o.op === 'set') {
          const stored = lru.set(o.key, `${o.key}:${o.bytes}`, o.bytes);
          assert.equal(stored, model.set(o.key, o.bytes));
          if (stored) {
            assert.equal(lru.keys().at(-1), o.key, 'the value just set is the most recent');
            assert.equal(lru.peek(o.key), `${o.key}:${o.bytes}`);
          } else assert.equal(lru.peek(o.key), undefined, 'a refused value leaves no older copy behind');
        } else if (o.op === 'replace') {
          const order = lru.keys();
          const kept = lru.replace(o.key, `${o.key}:${o.bytes}`, o.bytes);
          assert.equal(kept, model.replace(o.key, o.bytes));
          if (kept) assert.equal(lru.peek(o.key), `${o.key}:${o.bytes}`);
          assert.deepEqual(
            lru.keys(),
            order.filter((k) => lru.peek(k) !== undefined),
            'a replacement is not a use',
          );
        } else if (o.op === 'get') {
          const value = lru.get(o.key);
          assert.equal(value !== undefined, model.get(o.key));
        } else {
          assert.equal(lru.delete(o.key), model.delete(o.key));
        }
        assert.ok(lru.bytes <= max, `bytes ${lru.bytes} over ${max}`);
        assert.equal(lru.bytes, model.total());
        assert.equal(lru.size, model.entries.length);
        assert.deepEqual(
          lru.keys(),
          model.entries.map((e) => e.key),
        );
      }
    }),
    { numRuns: 500 },
  );
});

test('eviction drops the least recently used first, and a get counts as a use', () => {
  const lru = new ByteLru<number>(100);
  lru.set('a', 1, 40);
  lru.set('b', 2, 40);
  assert.equal(lru.get('a'), 1);
  lru.set('c', 3, 40);
  assert.deepEqual(lru.keys(), ['a', 'c']);
  assert.equal(lru.peek('b'), undefined);
  assert.equal(lru.evictions, 1);
  assert.equal(lru.bytes, 80);
});

test('peek does not count as a use', () => {
  const lru = new ByteLru<number>(80);
  lru.set('a', 1, 40);
  lru.set('b', 2, 40);
  assert.equal(lru.peek('a'), 1);
  lru.set('c', 3, 40);
  assert.deepEqual(lru.keys(), ['b', 'c']);
});

test('a value larger than the whole cache is refused without evicting anything else', () => {
  const lru = new ByteLru<number>(100);
  lru.set('a', 1, 60);
  assert.equal(lru.set('big', 2, 101), false);
  assert.deepEqual(lru.keys(), ['a']);
  assert.equal(lru.evictions, 0);
});
