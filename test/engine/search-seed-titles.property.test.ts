import { test } from 'node:test';
import { agreesWithFullScan, typedTitle } from '../support/seed-queries.js';

test('on the seed, titles typed short agree with a full scan, first page and count', () => {
  agreesWithFullScan(typedTitle, 6);
});
