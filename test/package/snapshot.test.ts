import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { awaitDroppedMovie, startServe, waitFor } from '../support/cli-process.js';
import { launcher, repoRoot } from '../support/paths.js';

/**
 * `npm start` and the image start cinedex through scripts/cinedex.sh, from the startup snapshot that `npm run build`
 * makes (scripts/snapshot.ts) when it fits, else from the bundle. This starts it from the blob for real, as
 * bundle.test.ts does the bundle (the blob holds every module serve loads, evaluated at build time, so each part is
 * asked again), and checks the launcher picks the bundle whenever the blob would not fit.
 */
const tempDir = (what: string) => mkdtempSync(join(tmpdir(), `cinedex-snapshot-${what}-`));
/** The launcher runs the `node` of PATH: the one running the tests, which made the blob. NODE_OPTIONS would rule the blob out. */
const AS_BUILT = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, NODE_OPTIONS: '' };
const snapshotDir = join(repoRoot, 'dist/bundle/snapshot');
const blob = join(snapshotDir, 'cinedex.blob');

test('npm start and the image run the launcher, and npm run build makes the blob', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.start, 'sh scripts/cinedex.sh serve');
  assert.match(pkg.scripts.bundle ?? '', /&& node dist\/scripts\/snapshot\.js$/);
  const finalStage =
    readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
      .split(/\nFROM /)
      .at(-1) ?? '';
  assert.match(finalStage, /^ENTRYPOINT \["\/usr\/bin\/tini", "--", "\/bin\/sh", "scripts\/cinedex\.sh"\]$/m);
  const user = finalStage.search(/^USER /m);
  const make = finalStage.search(/^RUN node dist\/scripts\/snapshot\.js$/m);
  assert.ok(user >= 0 && make > user, "the blob is made in the final stage, by the image's Node, as the user that runs it");
  assert.ok(existsSync(blob) && existsSync(`${blob}.node`), 'npm run build made the blob and its stamp');
});

test('from the snapshot, cinedex seeds, serves every part of the API, ingests a dropped file, drains, and runs a cluster', async () => {
  const dataDir = tempDir('data');
  const env = { ...AS_BUILT, MOVIES_SEED: '', MOVIES_SEED_SHA256: '', MOVIES_DATA_DIR: dataDir, MOVIES_REFRESH_INTERVAL: '1' };
  const serve = await startServe({ ...env, MOVIES_WORKERS: '1', MOVIES_INGEST_INTERVAL: '1' }, 60_000, tempDir('elsewhere'), launcher);
  const get = (path: string) => fetch(`${serve.base}${path}`);
  try {
    // exec: the launcher's process is node's, started from the blob.
    assert.match(readFileSync(`/proc/${serve.child.pid}/cmdline`, 'utf8'), /--snapshot-blob/);
    const status = (await (await get('/v1/status')).json()) as { movies: number };
    assert.equal(status.movies, 28_795, 'seeded from the bundled seed, found from the blob');
    const page = (await (await get('/v1/movies?q=matrix&limit=5')).json()) as { items: { title: string }[] };
    assert.ok(page.items.some((m) => m.title === 'The Matrix'));
    // Fastify's status texts were filled in once the blob was deserialized (node:http cannot be in it).
    const missing = await get('/v1/movies/0000000000000000');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal((await get('/v1/movies?year=abc')).status, 400);
    const home = await get('/');
    assert.equal(home.status, 200);
    assert.match(await home.text(), /<html/i);
    // @fastify/swagger and swagger-ui are left to node_modules: required at run time, from the bundle's folder.
    const openapi = (await (await get('/openapi.json')).json()) as { paths: Record<string, unknown> };
    assert.ok('/v1/movies' in openapi.paths);
    assert.equal((await get('/docs/static/swagger-ui.css')).status, 200);
    await waitFor(async () => /^process_cpu_seconds_total /m.test(await (await get('/metrics')).text()), 10_000, 'the default metrics');

    // The ingestion thread's entry is the ES bundle's file, found next to the snapshot's entry.
    await awaitDroppedMovie(serve.base, dataDir, { title: 'A Snapshot Film', year: 2020, cast: ['Blob Person'], genres: ['Drama'] });
    assert.doesNotMatch(serve.output(), /ingestion run failed/);
  } finally {
    assert.equal(await serve.stop(), 0, 'SIGTERM reached node and the drain ended it cleanly');
  }

  // node:cluster is left out of the blob: it loads as the primary's or a worker's, and a worker starts from the blob too.
  const cluster = await startServe({ ...env, MOVIES_WORKERS: '2', MOVIES_INGEST_INTERVAL: '0' }, 60_000, undefined, launcher);
  try {
    const status = (await (await fetch(`${cluster.base}/v1/status`)).json()) as { movies: number };
    assert.equal(status.movies, 28_796);
  } finally {
    assert.equal(await cluster.stop(), 0);
  }
});

test('the launcher starts the bundle whenever the blob would not fit, and never fails for it', () => {
  // A copy of the launcher beside a bundle folder made of links to the real one, with a blob and stamp of each case's own.
  const root = tempDir('launcher');
  mkdirSync(join(root, 'scripts'));
  copyFileSync(launcher, join(root, 'scripts/cinedex.sh'));
  mkdirSync(join(root, 'dist/bundle/snapshot'), { recursive: true });
  symlinkSync(join(repoRoot, 'dist/bundle/cli'), join(root, 'dist/bundle/cli'));
  const [madeBy, entry] = readFileSync(`${blob}.node`, 'utf8').split('\n');
  const start = (setUp: (copy: string) => void, env: NodeJS.ProcessEnv = {}) => {
    const copy = join(root, 'dist/bundle/snapshot/cinedex.blob');
    copyFileSync(blob, copy);
    writeFileSync(`${copy}.node`, `${madeBy}\n${entry}\n`);
    setUp(copy);
    const run = spawnSync('/bin/sh', ['-x', join(root, 'scripts/cinedex.sh'), '--help'], {
      env: { ...process.env, ...AS_BUILT, ...env },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Usage: cinedex/);
    return /^\+ exec node --snapshot-blob /m.test(run.stderr) ? 'snapshot' : 'bundle';
  };
  assert.equal(
    start(() => {}),
    'snapshot',
  );
  assert.equal(
    start(() => {}, { NODE_OPTIONS: '--max-old-space-size=512' }),
    'bundle',
    'a V8 flag makes Node refuse the blob (exit 14)',
  );
  assert.equal(
    start((copy) => writeFileSync(`${copy}.node`, `/bin/sh\n${entry}\n`)),
    'bundle',
    'another node made it',
  );
  assert.equal(
    start((copy) => writeFileSync(`${copy}.node`, `${madeBy}\n/elsewhere/snapshot-entry.cjs\n`)),
    'bundle',
    'made from another folder',
  );
  assert.equal(
    start((copy) => utimesSync(copy, new Date(0), new Date(0))),
    'bundle',
    'older than the bundle',
  );
  assert.equal(
    start((copy) => spawnSync('rm', [copy])),
    'bundle',
    'no blob',
  );
});
