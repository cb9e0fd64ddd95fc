import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_Q_WORDS, MAX_TYPOS_PER_WORD } from '../../src/engine/limits.js';
import { checkKeyLayout, packKey, unpackKey, type RelevanceKey } from '../../src/engine/relevance-key.js';
import { KeyLayoutError } from '../../src/errors/errors.js';

/** Any key a `q` within the engine's limits can have: title word counts are unbounded (a title may be long). */
const fields: fc.Arbitrary<RelevanceKey> = fc.record({
  missing: fc.integer({ min: 0, max: MAX_Q_WORDS }),
  typos: fc.integer({ min: 0, max: MAX_Q_WORDS * MAX_TYPOS_PER_WORD }),
  castOnly: fc.integer({ min: 0, max: MAX_Q_WORDS }),
  apart: fc.integer({ min: 0, max: MAX_Q_WORDS - 1 }),
  unmatched: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(255), fc.constant(256)),
  prefixOnly: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(255), fc.constant(256)),
});

const pack = (k: RelevanceKey) => packKey(k.typos, k.castOnly, k.apart, k.unmatched, k.prefixOnly, k.missing);
/** Title word counts past 255 all rank alike. */
const capped = (k: RelevanceKey): RelevanceKey => ({
  ...k,
  unmatched: Math.min(k.unmatched, 255),
  prefixOnly: Math.min(k.prefixOnly, 255),
});
const rules = (k: RelevanceKey) => [k.missing, k.typos, k.castOnly, k.apart, k.unmatched, k.prefixOnly];

test('keys compare as the rules do, one after the other: no field spills into the one above', () => {
  fc.assert(
    fc.property(fields, fields, (a, b) => {
      const [x, y] = [rules(capped(a)), rules(capped(b))];
      const i = x.findIndex((v, at) => v !== y[at]);
      const byRules = i < 0 ? 0 : Math.sign((x[i] as number) - (y[i] as number));
      assert.equal(Math.sign(pack(a) - pack(b)), byRules);
    }),
  );
});

test('a key unpacks to its fields, title word counts capped', () => {
  fc.assert(
    fc.property(fields, (k) => {
      assert.deepEqual(unpackKey(pack(k)), capped(k));
    }),
  );
});

test('the layout holds the engine limits, and refuses limits whose counts would spill into the next field', () => {
  assert.doesNotThrow(() => checkKeyLayout(MAX_Q_WORDS, MAX_TYPOS_PER_WORD));
  // 32 words: 32 cast-only words need a sixth bit.
  assert.throws(
    () => checkKeyLayout(32, MAX_TYPOS_PER_WORD),
    (e: unknown) => e instanceof KeyLayoutError && /castOnly/.test(e.message),
  );
  // 2^30 typos a word: far more than the typos field holds.
  assert.throws(
    () => checkKeyLayout(MAX_Q_WORDS, 2 ** 30),
    (e: unknown) => e instanceof KeyLayoutError && e.code === 'KEY_LAYOUT',
  );
});
