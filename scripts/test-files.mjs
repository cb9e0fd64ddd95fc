#!/usr/bin/env node
// Runs the test files named on the command line, in that order, three at a time; run-tests.mjs starts it.
// node's own runner, through its run() API rather than `node --test <files>`: the command line sorts the files by
// path (Node 20 and 22 alike), so run-tests.mjs's longest-first order was lost and the search page's Chromium file,
// last by path, was the whole run's tail.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const asked = process.env.CINEDEX_TEST_CONCURRENCY;
const concurrency = asked === undefined || asked === '' ? 3 : Number(asked);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`CINEDEX_TEST_CONCURRENCY must be a whole number of files to run at once, 1 or more; it is '${asked}'`);
  process.exit(2);
}
const stream = run({
  files: process.argv.slice(2),
  // Three at a time on two cores: most of the suite waits on child processes and sockets (servers, s3rver, moto,
  // Chromium), and the test files took 8.5 min of CPU over 16 min at two at a time under load. Four took longer in a
  // quiet run (328 s against 313 s, stop 35). CINEDEX_TEST_CONCURRENCY sets another, to measure it again.
  concurrency,
  // Each file's time limit: 5 min, a bound for a hang, not a speed check (the engine's seed property test alone takes
  // 30 s on a quiet machine and 145 s at a load average of 21, which is why it has a file of its own).
  // No forced exit (the command line's --test-force-exit): a file that exits on its own as soon as its tests are done
  // can cut off the end of its report, and the totals then silently missed up to ten tests (500, 505 and 510 of 510 in
  // three clean runs, all "passing"); a test that leaks a socket now hangs visibly instead.
  timeout: 300_000,
});
// A failed test, hook or file (one that crashed or timed out) fails the run.
stream.on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
