#!/usr/bin/env node
// Runs every compiled *.test.js under dist/test (the product's tests) and dist/bench/test (the bench
// package's own) with node's own test runner.
// File paths are listed explicitly because `node --test <dir>` means different things on Node 20 and 22.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
// The longest files start first: test-files.mjs takes them in the order given, so a long file started last is the
// whole run's tail. Measured per file (its process's wall time, in two full runs side by side at a load average of
// ~19, 2026-12-06, docs/investigations/testtime.md): what is not listed took under 35 s there. Before, fifteen files
// of 40-90 s there (s3-end-to-end, garbage-collection, the support helpers' own tests, the seed loaders, the second
// Chromium file) were unlisted and, last by path, ran in the run's last fifth. The order changes only the wall time.
const LONGEST_FIRST = [
  'web/search-page',
  'cli/serve-lifecycle',
  // Not third: started beside the two above (Chromium, and a cluster under load) at a load average of 17, the seed's
  // full scans got 7 % of a core and the file hit its 5 min limit; search-cli mostly waits on its child processes.
  'cli/search-cli',
  // The seed's full scans, once one file of ~18 s of CPU, are two of ~8 s (test/support/seed-queries.ts).
  'engine/search-seed-titles.property',
  'ingest/faults',
  'ingest/inbox-queue.moto',
  'ingest/s3-end-to-end',
  'live/hot-swap',
  'engine/search-seed-cast.property',
  'ingest/crash-steps',
  'snapshot/garbage-collection',
  'support/moto-server',
  'ingest/inbox-queue-serve.moto',
  'http/api',
  'support/cli-process',
  'ingest/delta-runs.property',
  'live/refusal',
  'deploy/manifests',
  'edge/nginx-edge',
  'package/bundle',
  'package/snapshot',
  'seed/bundled-seed',
  'engine/base-places.property',
  'http/fast-lane',
  'http/conditional-requests',
  'engine/delta-words.property',
  'seed/seed-catalogue.property',
  'seed/load-seed',
  'cli/serve-signals',
  'engine/synonyms.property',
  'engine/segments.property',
  'web/cross-origin',
  'engine/relevance.property',
  'engine/search.property',
  'store/store-contract',
  'engine/delta-terms.property',
];
const rank = (file) => {
  const at = LONGEST_FIRST.findIndex((part) => file.includes(`/${part}.test.js`));
  return at === -1 ? LONGEST_FIRST.length : at;
};
const filter = process.argv.slice(2);
const files = [...collect('dist/test'), ...(hasBench ? collect('dist/bench/test') : [])]
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort()
  .sort((a, b) => rank(a) - rank(b));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Every file's temporary folders (stores, copies, sockets, Chromium's profile, nginx's and moto's files) go under one
// folder of this run, removed at its end: the files make ~90 folders of their own and clean up few of them, and a
// developer's /tmp had grown to 34 GB over ~60 runs. KEEP_TEST_TMP=1 keeps the folder to look into after a failure.
const runTmp = mkdtempSync(join(tmpdir(), 'cinedex-test-run-'));
// mkdtemp makes it 0700: nginx's workers run as `nobody` and must pass through it to their prefix, as through /tmp.
chmodSync(runTmp, 0o755);
// Ctrl-C reaches the test processes too; once they have exited, the folder is removed like after any run.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
const result = spawnSync(
  process.execPath,
  // test-files.mjs runs them in this order, three at a time; --enable-source-maps reaches every test file, as node's
  // runner starts them with its own flags.
  ['--enable-source-maps', fileURLToPath(new URL('./test-files.mjs', import.meta.url)), ...files],
  // The AWS SDK warns on every client in a Node 20 process that its 2027 releases need Node 22. The
  // tests run on Node 20 on purpose (the image runs 22); package-lock.json pins a release that works.
  // CINEDEX_TEST_RUN_CACHE: where test/support/seed-index.ts keeps the seed's movies and index for the run's other files.
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      TMPDIR: runTmp,
      CINEDEX_TEST_RUN_CACHE: join(runTmp, 'cache'),
      NODE_ENV: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
);
if (process.env.KEEP_TEST_TMP) console.error(`the run's temporary files are kept in ${runTmp}`);
else rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
process.exit(result.status ?? 1);
