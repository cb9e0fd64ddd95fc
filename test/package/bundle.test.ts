import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awaitDroppedMovie, startServe, waitFor } from '../support/cli-process.js';
import { bundledCli, repoRoot } from '../support/paths.js';

/**
 * `npm start` and the image run the bundle (scripts/bundle.ts), not the modules the other tests run: this
 * starts it for real, from another working directory and offline, on an empty store, so every path it
 * finds from its own place is used (the bundled seed, the search page, the ingestion thread's entry, the
 * packages left to node_modules), and asks what each part answers.
 */
const OFFLINE = { NODE_OPTIONS: `--import=${join(repoRoot, 'dist/test/support/offline.js')}` };
const tempDir = (what: string) => mkdtempSync(join(tmpdir(), `cinedex-bundle-${what}-`));

test('npm start and the image run the bundle (when not its startup snapshot), built by npm run build', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.build ?? '', /&& npm run bundle$/);
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /^RUN node dist\/scripts\/bundle\.js$/m);
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.match(finalStage, /^COPY --from=build \/app\/dist\/bundle \.\/dist\/bundle$/m);
  // scripts/cinedex.sh, which npm start and the image run, falls back to it (snapshot.test.ts).
  assert.match(readFileSync(join(repoRoot, 'scripts/cinedex.sh'), 'utf8'), /^exec node "\$bundle\/cli\/main\.js" "\$@"$/m);
});

test("the image's compile cache is filled by the user its pods run as, since Node keys the cache's folder by uid", () => {
  const finalStage =
    readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
      .split(/\nFROM /)
      .at(-1) ?? '';
  const user = /^USER (\d+):\d+$/m.exec(finalStage);
  const fill = finalStage.search(/^RUN node dist\/bundle\/cli\/main\.js --help/m);
  assert.ok(user && fill > user.index, 'the RUN that fills NODE_COMPILE_CACHE comes after the USER line');
  assert.match(finalStage, /^ENV NODE_COMPILE_CACHE=/m);
  const pods = readFileSync(join(repoRoot, 'deploy/k8s/base/deployment.yaml'), 'utf8');
  assert.equal(/runAsUser: (\d+)/.exec(pods)?.[1], user[1]);
});

test('every package the bundle leaves to node_modules is found from where the bundle is, and nothing of dist/src', () => {
  const folder = join(repoRoot, 'dist/bundle/cli');
  const found = createRequire(bundledCli);
  const specifiers = new Set<string>();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(folder, file), 'utf8');
    assert.doesNotMatch(code, /from ["'][./]*dist\/src\//, file);
    for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\(|\brequire\d*\()"((?:@[\w.-]+\/)?\w[\w.-]*(?:\/[\w.-]+)*)"/g))
      if (!isBuiltin(m[1]!)) specifiers.add(m[1]!);
  }
  // Fastify, pino and commander are in the bundle; these are not (scripts/bundle.ts says why).
  for (const name of ['fastify', 'pino', 'commander']) assert.ok(!specifiers.has(name), name);
  assert.ok(specifiers.has('@fastify/swagger') && specifiers.has('prom-client/lib/registry'), [...specifiers].join(', '));
  for (const specifier of specifiers) assert.doesNotThrow(() => found.resolve(specifier), specifier);
});

test('the bundle seeds, serves every part of the API and ingests a dropped file', async () => {
  const dataDir = tempDir('data');
  const serve = await startServe(
    {
      ...OFFLINE,
      MOVIES_SEED: '',
      MOVIES_SEED_SHA256: '',
      MOVIES_DATA_DIR: dataDir,
      MOVIES_WORKERS: '1',
      MOVIES_INGEST_INTERVAL: '1',
      MOVIES_REFRESH_INTERVAL: '1',
    },
    60_000,
    tempDir('elsewhere'),
    bundledCli,
  );
  const get = (path: string) => fetch(`${serve.base}${path}`);
  try {
    const status = (await (await get('/v1/status')).json()) as { movies: number };
    assert.equal(status.movies, 28_795, 'seeded from the bundled seed');
    const page = (await (await get('/v1/movies?q=matrix&limit=5')).json()) as { items: { title: string }[] };
    assert.ok(
      page.items.some((m) => m.title === 'The Matrix'),
      JSON.stringify(page.items.map((m) => m.title)),
    );
    const home = await get('/');
    assert.equal(home.status, 200);
    assert.match(await home.text(), /<html/i);
    // The document comes from @fastify/swagger, which the bundle leaves to node_modules.
    const openapi = (await (await get('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.match(openapi.openapi, /^3\./);
    assert.ok('/v1/movies' in openapi.paths);
    assert.equal((await get('/docs/static/swagger-ui.css')).status, 200, 'swagger-ui reads its files next to its sources');
    // prom-client's classes and, after ready, its default metrics: also from node_modules.
    await waitFor(async () => /^process_cpu_seconds_total /m.test(await (await get('/metrics')).text()), 10_000, 'the default metrics');
    assert.match(await (await get('/metrics')).text(), /^cinedex_catalogue_movies /m);

    // The ingestion thread's entry is a file of the bundle, found next to it.
    await awaitDroppedMovie(serve.base, dataDir, { title: 'A Bundled Film', year: 2019, cast: ['Esbuild Person'], genres: ['Drama'] });
    assert.doesNotMatch(serve.output(), /offline: refused|ingestion run failed/);
  } finally {
    assert.equal(await serve.stop(), 0);
  }
});
