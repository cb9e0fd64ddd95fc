import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogueSize, catalogueView, variantAt, writeCatalogue, type CatalogueView, type SeedRecord } from '../lib/generate-catalogue.js';
import { updateFiles, updateRecords } from '../lib/update-mix.js';
import { seed2023Path } from '../../test/support/paths.js';

const base = JSON.parse(readFileSync(seed2023Path, 'utf8')) as Record<string, unknown>[];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cinedex-scale-test-'));
}

describe('catalogue generator', () => {
  test('N movies: the 2023 originals as they are, then copies titled "<title> (2)" with year, cast and genres only', async () => {
    const dir = tempDir();
    try {
      const n = base.length + 25;
      const file = join(dir, 'a.json');
      await writeCatalogue(n, file);
      const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
      assert.equal(written.length, n);
      assert.deepEqual(written.slice(0, base.length), base);
      for (let j = 0; j < 25; j++) {
        const original = base[j] as Record<string, unknown>;
        assert.deepEqual(written[base.length + j], {
          title: `${original.title as string} (2)`,
          year: original.year,
          cast: original.cast,
          genres: original.genres,
        });
      }
      // The 2023 set has extracts and thumbnails; no copy keeps one.
      assert.ok(base.some((m) => 'extract' in m && 'thumbnail' in m));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same size gives the same bytes every run; a smaller size is the first originals', async () => {
    const dir = tempDir();
    try {
      await writeCatalogue(base.length + 3, join(dir, 'a.json'));
      await writeCatalogue(base.length + 3, join(dir, 'b.json'));
      assert.ok(readFileSync(join(dir, 'a.json')).equals(readFileSync(join(dir, 'b.json'))));
      await writeCatalogue(4, join(dir, 'small.json'));
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'small.json'), 'utf8')), base.slice(0, 4));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('seed and 2023 are copies of the shared files', async () => {
    const dir = tempDir();
    try {
      await writeCatalogue('2023', join(dir, '2023.json'));
      assert.ok(readFileSync(join(dir, '2023.json')).equals(readFileSync(seed2023Path)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('copy k of movie j sits at (k - 1) × |base| + j', () => {
    const records = base as unknown as SeedRecord[];
    assert.equal(variantAt(records, 2 * base.length + 7).title, `${base[7]?.title as string} (3)`);
    assert.equal(variantAt(records, 7), records[7]);
    const view = catalogueView(3 * base.length);
    assert.equal(view.count, 3 * base.length);
    assert.equal(view.at(base.length).title, `${base[0]?.title as string} (2)`);
  });

  test('sizes are seed, 2023 or a positive whole number', () => {
    assert.equal(catalogueSize.parse('seed'), 'seed');
    assert.equal(catalogueSize.parse(' 2023 '), '2023');
    assert.equal(catalogueSize.parse('1000000'), 1_000_000);
    assert.equal(catalogueSize.parse('3_000_000'), 3_000_000);
    for (const bad of ['0', '-5', '1.5', 'big', '', '1e6', '0x10']) assert.equal(catalogueSize.parse(bad), undefined, bad);
  });
});

/** A small catalogue known here, independent of the generator. */
function fixture(count: number): CatalogueView {
  const movies = Array.from({ length: count }, (_, i) => ({
    title: `Film ${i}`,
    year: 1950 + (i % 70),
    cast: [`Star ${i}`],
    genres: ['Comedy'],
  }));
  return { count, at: (i) => movies[i] as SeedRecord };
}

describe('update mix', () => {
  const catalogue = fixture(10_000);
  const known = new Map(
    Array.from({ length: catalogue.count }, (_, i) => [`${catalogue.at(i).title}|${catalogue.at(i).year}`, catalogue.at(i)]),
  );

  test('of 100 records: 10 new movies, 2 deletions and 88 partial updates of movies the catalogue has', () => {
    const records = updateRecords(catalogue, 100);
    assert.equal(records.length, 100);
    const existing = records.filter((r) => known.has(`${r.title}|${r.year}`));
    const fresh = records.filter((r) => !known.has(`${r.title}|${r.year}`));
    assert.equal(fresh.length, 10);
    const deletions = existing.filter((r) => 'deleted' in r);
    assert.equal(deletions.length, 2);
    const updates = existing.filter((r) => !('deleted' in r));
    assert.equal(updates.length, 88);
    for (const update of updates) {
      const movie = known.get(`${update.title}|${update.year}`) as SeedRecord;
      const fields = Object.keys(update).filter((k) => k !== 'title' && k !== 'year');
      assert.equal(fields.length, 1, `a partial update states one field: ${JSON.stringify(update)}`);
      const field = fields[0] as 'cast' | 'genres';
      const list = (update as { readonly cast?: readonly string[]; readonly genres?: readonly string[] })[field] as readonly string[];
      // The stated list is the movie's own with one more entry.
      assert.deepEqual(list.slice(0, -1), movie[field]);
      assert.equal(list.length, movie[field].length + 1);
    }
    // Spread over the catalogue: no movie is touched twice in one file.
    assert.equal(new Set(existing.map((r) => r.title)).size, existing.length);
  });

  test('the same round gives the same records; another round touches other movies and names other new ones', () => {
    assert.deepEqual(updateRecords(catalogue, 500, 1), updateRecords(catalogue, 500, 1));
    const one = new Set(updateRecords(catalogue, 500, 1).map((r) => r.title));
    const two = updateRecords(catalogue, 500, 2).map((r) => r.title);
    assert.equal(two.filter((title) => one.has(title)).length, 0);
  });

  test('more records than movies still names only known movies for the updates', () => {
    const records = updateRecords(fixture(7), 200);
    assert.equal(records.filter((r) => r.title.startsWith('Film ')).length, 180);
  });

  test('files hold at most perFile records, together the whole mix in order', () => {
    const count = 81;
    const files = updateFiles(catalogue, count, 3, 40);
    assert.equal(files.length, 3);
    assert.equal((JSON.parse(files[2] as string) as unknown[]).length, 1);
    assert.deepEqual(
      files.flatMap((text) => JSON.parse(text) as unknown[]),
      updateRecords(catalogue, count, 3),
    );
  });
});
