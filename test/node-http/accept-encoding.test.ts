import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiateEncoding } from '../../src/node-http/accept-encoding.js';

test('Accept-Encoding: q-values, `*`, refusals, and identity when nothing else is acceptable', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['BR;Q=1, GZIP;q=0.9', 'br'],
    ['x-gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['identity;q=0, gzip;q=0.1', 'gzip'],
    ['identity', 'identity'],
    ['deflate', 'identity'],
    ['gzip;q=0, br;q=0', 'identity'],
    ['*;q=0', 'identity'],
    ['gzip;q=2', 'identity'],
    ['gzip;q=0.0001', 'identity'],
    ['identity;q=1, gzip;q=0.5', 'identity'],
  ];
  for (const [header, expected] of cases) assert.equal(negotiateEncoding(header), expected, String(header));
});
