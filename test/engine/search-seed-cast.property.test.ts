import { test } from 'node:test';
import { agreesWithFullScan, castAndTitle } from '../support/seed-queries.js';

test("on the seed, a cast member's name and a word of their title agree with a full scan, first page and count", () => {
  agreesWithFullScan(castAndTitle, 6);
});
