#!/usr/bin/env node
// Runs every compiled *.test.js under dist/test (the product's tests) and dist/bench/test (the bench
// package's own) with node's own test runner.
// File paths are listed explicitly because `node --test <dir>` means different things on Node 20 and 22.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

// The bench is its own TypeScript project (bench/tsconfig.json): `npm run build` (tsc -b . bench) compiles it, `tsc -p .` does not.
// deploy/aws runs this script too, from its own folder, where there is no bench to look for.
const hasBench = existsSync('bench/tsconfig.json');
if (hasBench && !existsSync('dist/bench/test')) {
  console.error(
    'dist/bench/test not found: build with npm run build (tsc -b . bench), which compiles the bench package too, or run npm test',
  );
  process.exit(1);
}
const filter = process.argv.slice(2);
const files = [...collect('dist/test'), ...(hasBench ? collect('dist/bench/test') : [])]
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  // Two files at a time: most of the suite waits on child processes and sockets (servers, s3rver, moto, Chromium),
  // so the two cores stay busy (about 5.5 min instead of 7 on this machine). Each file has a time limit: 5 min,
  // a bound for a hang, not a speed check (the property tests of the engine take 40 s on a quiet machine and
  // 130 s at a load average of 16).
  // No --test-force-exit: a file that exits on its own as soon as its tests are done can cut off the end of its
  // report to this runner, and the totals then silently missed up to ten tests (500, 505 and 510 of 510 in three
  // clean runs, all "passing"); a test that leaks a socket now hangs visibly instead.
  ['--enable-source-maps', '--test', '--test-concurrency=2', '--test-reporter=spec', '--test-timeout=300000', ...files],
  // The AWS SDK warns on every client in a Node 20 process that its 2027 releases need Node 22. The
  // tests run on Node 20 on purpose (the image runs 22); package-lock.json pins a release that works.
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
);
process.exit(result.status ?? 1);
