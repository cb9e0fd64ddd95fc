import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runBatches } from '../../src/ingest/run-batches.js';

test('batches keep every object once, in order, each within the bound unless one object alone is over it, and none could take the next', () => {
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 100 })), fc.integer({ min: 1, max: 150 }), (sizes, maxBytes) => {
      const objects = sizes.map((size, at) => ({ size, at }));
      const batches = runBatches(objects, (o) => o.size, maxBytes);
      assert.deepEqual(batches.flat(), objects);
      const bytes = (batch: readonly { size: number }[]) => batch.reduce((sum, o) => sum + o.size, 0);
      for (const [i, batch] of batches.entries()) {
        assert.ok(batch.length > 0);
        assert.ok(batch.length === 1 || bytes(batch) <= maxBytes, `batch ${i} is within the bound`);
        const next = batches[i + 1]?.[0];
        if (next !== undefined) assert.ok(bytes(batch) + next.size > maxBytes, `batch ${i} could not take the next object`);
      }
    }),
  );
});

test('a backlog within the bound is one batch; nothing pending is no batch', () => {
  assert.deepEqual(runBatches([{ size: 10 }, { size: 20 }], (o) => o.size, 30).length, 1);
  assert.deepEqual(
    runBatches([], (o: { size: number }) => o.size, 30),
    [],
  );
});
