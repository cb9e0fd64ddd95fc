import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isPlainAscii } from '../../src/http/plain-ascii.js';
import { RequestIds } from '../../src/node-http/request-id.js';

test("every request id, the client's or a new one, is plain ASCII: the fast lane's log line copies it unchecked", () => {
  const ids = new RequestIds();
  const given = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 140 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
    fc.constantFrom('a"b', 'a\\b', 'x\u007fy', 'é', 'id one', ''),
    fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
  );
  fc.assert(
    fc.property(given, (id) => {
      const made = ids.next(id);
      assert.ok(isPlainAscii(made), JSON.stringify(made));
      if (typeof id === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(id)) assert.equal(made, id, "a sane id is the client's");
    }),
    { numRuns: 2_000 },
  );
});
