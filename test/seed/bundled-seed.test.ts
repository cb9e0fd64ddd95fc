import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BUNDLED_SEED_PATH, DEFAULT_SEED_URL } from '../../src/config/seed-source.js';
import { runCli, startServe, waitFor } from '../support/cli-process.js';
import { repoRoot, seedPath } from '../support/paths.js';

/** Turns off the network of the processes it is given to (test/support/offline.ts). */
const OFFLINE = { NODE_OPTIONS: `--import=${join(repoRoot, 'dist/test/support/offline.js')}` };
const tempDir = (what: string) => mkdtempSync(join(tmpdir(), `cinedex-${what}-`));

test('the bundled seed is the pinned upstream file, gzipped, with its licence beside it, shipped by the package and the image', () => {
  assert.equal(BUNDLED_SEED_PATH, join(repoRoot, 'assets/seed/movies.json.gz'));
  assert.deepEqual(gunzipSync(readFileSync(BUNDLED_SEED_PATH)), readFileSync(seedPath));
  assert.match(readFileSync(join(repoRoot, 'assets/seed/LICENSE'), 'utf8'), /MIT License[\s\S]*Copyright \(c\) 2016 Peter Rust/);
  const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
  assert.ok(packageJson.files.includes('assets/seed'), 'the npm package ships it');
  // The image's final stage puts it beside dist/src, where the compiled config looks for it.
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.match(finalStage, /^COPY --from=build \/app\/dist\/src \.\/dist\/src$/m);
  assert.match(finalStage, /^COPY assets\/seed \.\/assets\/seed$/m);
});

test('with no MOVIES_SEED and no network, `cinedex serve` started elsewhere serves all 28,795 movies', async () => {
  const dataDir = tempDir('bundled');
  const serve = await startServe(
    { ...OFFLINE, MOVIES_SEED: '', MOVIES_SEED_SHA256: '', MOVIES_DATA_DIR: dataDir, MOVIES_WORKERS: '1', MOVIES_INGEST_INTERVAL: '0' },
    // It seeds and indexes 28,795 movies before it is ready: ~7 s alone, over 60 s seen at a load average of 27.
    120_000,
    // Not the repository: the bundled copy is found from the installed package, not the working directory.
    tempDir('elsewhere'),
  );
  try {
    const status = (await (await fetch(`${serve.base}/v1/status`)).json()) as { movies: number };
    assert.equal(status.movies, 28_795);
    // Log lines reach stdout within about a second (runtime/logger.ts): wait for the line, not for a moment.
    await waitFor(() => Promise.resolve(/seed snapshot published/.test(serve.output())), 10_000, 'the seed log line');
    assert.doesNotMatch(serve.output(), /offline: refused|downloading the seed/);
    assert.equal(existsSync(join(dataDir, 'cache')), false, 'nothing was downloaded');
  } finally {
    await serve.stop();
  }
});

test('MOVIES_SEED=upstream downloads the pinned URL, so offline it stops with a clear line', async () => {
  const out = await runCli(['seed'], { ...OFFLINE, MOVIES_SEED: 'upstream', MOVIES_DATA_DIR: tempDir('upstream'), LOG_LEVEL: 'warn' });
  assert.equal(out.code, 1);
  assert.match(out.stderr, new RegExp(`offline: refused ${DEFAULT_SEED_URL.replace(/[.?]/g, '\\$&')}`));
  assert.match(
    out.stderr,
    /cinedex: could not download the seed from https:\/\/raw\.githubusercontent\.com\/.* \(ENOTFOUND\)\. Set MOVIES_SEED/,
  );
});
