import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonArrayElements, JsonArrayError } from '../../src/seed/json-array-elements.js';

/** The bytes cut at the given points, as a stream hands them over. */
async function* cut(bytes: Buffer, points: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const point of [...points].sort((a, b) => a - b)) {
    yield bytes.subarray(at, Math.max(at, point));
    at = Math.max(at, point);
  }
  yield bytes.subarray(at);
}

async function elements(bytes: Buffer, points: readonly number[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const element of jsonArrayElements(cut(bytes, points))) out.push(element);
  return out;
}

const cuts = (length: number) => fc.array(fc.integer({ min: 0, max: length }), { maxLength: 8 });

test('the elements of any JSON array, however its bytes are cut, are those JSON.parse reads', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.jsonValue(), { maxLength: 12 }),
      fc.constantFrom(undefined, 1, '\t'),
      fc.integer({ min: 0, max: 1000 }),
      async (array, indent, seed) => {
        const bytes = Buffer.from(`\n ${JSON.stringify(array, null, indent)} \n`);
        const points = fc.sample(cuts(bytes.length), { numRuns: 1, seed })[0] ?? [];
        assert.deepEqual(await elements(bytes, points), JSON.parse(bytes.toString()));
      },
    ),
    { numRuns: 300 },
  );
});

test('anything that is not one whole JSON array is refused with a JsonArrayError, never read as some other array', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 8 }), fc.nat(), async (array, at) => {
      const text = JSON.stringify(array);
      // Cut short anywhere before its last byte: never a whole array.
      const truncated = Buffer.from(text.slice(0, at % text.length));
      await assert.rejects(elements(truncated, [1, 5]), JsonArrayError);
    }),
    { numRuns: 200 },
  );
  for (const [text, kind] of [
    ['{"title": "x"}', 'not-an-array'],
    ['"movies"', 'not-an-array'],
    ['', 'invalid'],
    ['[1,,2]', 'invalid'],
    ['[1,2,]', 'invalid'],
    ['[,1]', 'invalid'],
    ['[1] [2]', 'invalid'],
    ['[{"a":1}}]', 'invalid'],
    ['[{"a":tru}]', 'invalid'],
  ] as const) {
    await assert.rejects(elements(Buffer.from(text), []), (e: unknown) => e instanceof JsonArrayError && e.kind === kind, text);
  }
});
