import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { catalogueFromSeed } from '../../src/seed/seed-catalogue.js';
import { loadSeed, SeedError } from '../../src/seed/load-seed.js';
import { seedPath } from '../support/paths.js';

const log = pino({ level: 'silent' });
const seedBytes = readFileSync(seedPath);
const seedSha = createHash('sha256').update(seedBytes).digest('hex');
let server: Server;
let base: string;
let hits = 0;
before(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/movies.json') res.end(seedBytes);
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
  const cases: [string, string][] = [
    [`${base}/broken.json`, 'INVALID_JSON'],
    [join(dir, 'object.json'), 'NOT_AN_ARRAY'],
    [join(dir, 'missing.json'), 'NOT_FOUND'],
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
