import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { BUNDLED_SEED_PATH, DEFAULT_SEED_SHA256, DEFAULT_SEED_URL } from '../../src/config/seed-source.js';
import { catalogueFromSeed } from '../../src/seed/seed-catalogue.js';
import { loadSeed, pinnedSha256 } from '../../src/seed/load-seed.js';
import { seedPath } from '../support/paths.js';
import { SeedError } from '../../src/errors/errors.js';

const log = pino({ level: 'silent' });
const seedBytes = readFileSync(seedPath);
const seedSha = createHash('sha256').update(seedBytes).digest('hex');
const seedGzip = gzipSync(seedBytes);
let server: Server;
let base: string;
let hits = 0;
before(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/movies.json') res.end(seedBytes);
    else if (req.url === '/movies.json.gz') res.end(seedGzip);
    else if (req.url === '/broken.json') res.end('[{"title":');
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const dataDir = () => mkdtempSync(join(tmpdir(), 'cinedex-seed-'));

test('from a path: all 28,795 movies, none rejected', async () => {
  const seed = await loadSeed({ source: seedPath, dataDir: dataDir(), log });
  assert.equal(seed.sha256, seedSha);
  const { movies, rejected } = catalogueFromSeed(seed.records);
  assert.equal(movies.length, 28_795);
  assert.equal(rejected.length, 0);
});

test('from a URL with the right checksum: downloaded once, then served from the cache', async () => {
  const dir = dataDir();
  const before = hits;
  const first = await loadSeed({ source: `${base}/movies.json`, dataDir: dir, sha256: seedSha, log });
  assert.equal(first.records.length, 28_795);
  const second = await loadSeed({ source: `${base}/movies.json`, dataDir: dir, sha256: seedSha, log });
  assert.equal(second.records.length, 28_795);
  assert.equal(hits - before, 1, 'the second load did not download again');
});

test('the bundled copy and the upstream URL are pinned to one sha256, that of the JSON; other sources are not', () => {
  assert.equal(pinnedSha256(BUNDLED_SEED_PATH), DEFAULT_SEED_SHA256);
  assert.equal(pinnedSha256(DEFAULT_SEED_URL), DEFAULT_SEED_SHA256);
  assert.equal(pinnedSha256(seedPath), undefined);
  assert.equal(DEFAULT_SEED_SHA256, seedSha);
});

test('the bundled copy loads with no checksum configured: all 28,795 movies, the JSON bytes hashed', async () => {
  const seed = await loadSeed({ source: BUNDLED_SEED_PATH, dataDir: dataDir(), log });
  assert.equal(seed.sha256, DEFAULT_SEED_SHA256);
  assert.equal(seed.bytes, seedBytes.length);
  assert.equal(seed.records.length, 28_795);
});

test('a gzipped file is decompressed, from a path or a URL, and its checksum is that of the JSON inside', async () => {
  const dir = dataDir();
  writeFileSync(join(dir, 'movies.json.gz'), seedGzip);
  const fromPath = await loadSeed({ source: join(dir, 'movies.json.gz'), dataDir: dir, sha256: seedSha, log });
  assert.equal(fromPath.records.length, 28_795);
  const before = hits;
  for (let i = 0; i < 2; i++) {
    const fromUrl = await loadSeed({ source: `${base}/movies.json.gz`, dataDir: dir, sha256: seedSha, log });
    assert.equal(fromUrl.sha256, seedSha);
  }
  assert.equal(hits - before, 1, 'the gzipped download was checked in the cache and not fetched again');
  await assert.rejects(
    loadSeed({ source: join(dir, 'movies.json.gz'), dataDir: dir, sha256: createHash('sha256').update(seedGzip).digest('hex'), log }),
    (e: unknown) => e instanceof SeedError && e.code === 'CHECKSUM_MISMATCH',
    'the sha256 of the compressed bytes is not the one checked',
  );
});

test('a wrong checksum is refused and nothing stays cached', async () => {
  const dir = dataDir();
  await assert.rejects(
    loadSeed({ source: `${base}/movies.json`, dataDir: dir, sha256: '0'.repeat(64), log }),
    (e: unknown) => e instanceof SeedError && e.code === 'CHECKSUM_MISMATCH' && /expected 0{64}/.test(e.message),
  );
  assert.deepEqual(readdirSync(join(dir, 'cache')), []);
});

test('invalid JSON, not an array, a missing file, a 404 and an unreachable host are clear SeedErrors', async () => {
  const dir = dataDir();
  writeFileSync(join(dir, 'object.json'), '{"title": "x"}');
  writeFileSync(join(dir, 'cut.json.gz'), seedGzip.subarray(0, 1000));
  const cases: [string, string][] = [
    [`${base}/broken.json`, 'INVALID_JSON'],
    [join(dir, 'object.json'), 'NOT_AN_ARRAY'],
    [join(dir, 'missing.json'), 'NOT_FOUND'],
    [join(dir, 'cut.json.gz'), 'INVALID_GZIP'],
    [`${base}/nope.json`, 'DOWNLOAD_FAILED'],
    ['http://127.0.0.1:9/movies.json', 'DOWNLOAD_FAILED'],
  ];
  for (const [source, code] of cases) {
    await assert.rejects(
      loadSeed({ source, dataDir: dir, log }),
      (e: unknown) => e instanceof SeedError && e.code === code && /MOVIES_SEED/.test(e.message),
      source,
    );
  }
});

test('invalid records are reported with reasons and the valid ones load', () => {
  const { movies, rejected } = catalogueFromSeed([
    { title: 'Good', year: 2000, cast: [], genres: [] },
    { title: '', year: 2000 },
    { title: 'Bad Year', year: 'x' },
    'not an object',
    { title: 'Good Too', year: 2001, cast: ['A'], genres: ['Drama'], extract: null },
  ]);
  assert.deepEqual(
    movies.map((m) => m.title),
    ['Good', 'Good Too'],
  );
  assert.deepEqual(
    rejected.map((r) => r.index),
    [1, 2, 3],
  );
  assert.match(rejected[1]?.reason ?? '', /year must be an integer/);
});
