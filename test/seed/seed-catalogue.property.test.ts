import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { idOfKey } from '../../src/catalogue/id.js';
import { movieKey } from '../../src/catalogue/normalise.js';
import { validateRecord } from '../../src/catalogue/validate.js';
import { seedIfEmpty } from '../../src/seed/publish-seed.js';
import { storeTotals } from '../../src/snapshot/collect-garbage.js';
import { EMPTY_LEDGER } from '../../src/snapshot/inbox-ledger.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import type { StateEntry } from '../../src/snapshot/state-bucket.js';
import { writeWholeCatalogue } from '../../src/snapshot/write-version.js';
import { FolderStore } from '../../src/store/folder-store.js';

/**
 * The seed is read as a stream into a compact form (seed/seed-catalogue.ts) and written a bucket at a
 * time. Reference: the records parsed whole, each valid one an entry with its id by order of
 * appearance of its key, written from that array as a converted store's entries are. Both must
 * write the same objects, byte for byte: state buckets, base segment, manifest.
 */
const silent = pino({ level: 'silent' });

/** The entries the seed's records stand for, the plain way. */
function referenceEntries(records: readonly unknown[]): StateEntry[] {
  const seen = new Map<string, number>();
  const entries: StateEntry[] = [];
  for (const raw of records) {
    const result = validateRecord(raw);
    if (!result.ok || result.record.deleted) continue;
    const { fields } = result.record;
    const key = movieKey(fields.title, fields.year);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    entries.push({
      id: idOfKey(key, occurrence),
      key,
      values: { cast: [], genres: [], ...fields },
      deleted: false,
      stamps: {},
      history: [],
    });
  }
  return entries;
}

/** Every object under catalogue/ but the pointer (it holds the time of publishing), as key → bytes. */
function objects(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name !== 'current.json') out.set(relative(root, path), readFileSync(path).toString('base64'));
    }
  };
  walk(join(root, 'catalogue'));
  return out;
}

// Few titles and years, so that keys repeat (records sharing a key become siblings); some records invalid.
const record = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      title: fc.constantFrom('Jaws', 'Alien', 'Heat', 'Ran', 'Ça', 'M'),
      year: fc.integer({ min: 1990, max: 1993 }),
      cast: fc.array(fc.constantFrom('Ann Lee', 'Bo', 'Cy Young'), { maxLength: 2 }),
      genres: fc.array(fc.constantFrom('Drama', 'Comedy'), { maxLength: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ title: fc.constant('Spoken'), year: fc.constant(2001), extract: fc.constantFrom('A shark.', 'Sea and sky.') }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>({ title: '', year: 2000 }, { title: 'Bad', year: 'x' }, 'text', 7, {
      title: 'Gone',
      year: 2000,
      deleted: true,
    }),
  },
);

test('the streamed seed writes the same objects as the seed parsed whole and written from its entries', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 60 }), async (records) => {
      const dir = mkdtempSync(join(tmpdir(), 'cinedex-seed-same-'));
      const file = join(dir, 'seed.json');
      writeFileSync(file, JSON.stringify(records, null, 1));
      const streamed = new SnapshotRepository(new FolderStore(join(dir, 'streamed')));
      const pointer = await seedIfEmpty(streamed, { source: file, dataDir: join(dir, 'data') }, silent);
      const reference = new SnapshotRepository(new FolderStore(join(dir, 'reference')));
      const entries = referenceEntries(records);
      const manifest = await writeWholeCatalogue(reference, { sequence: 1, entries, ledger: EMPTY_LEDGER, lastRun: null });
      const published = await reference.publish(manifest, null, new Date(), await storeTotals(reference));
      assert.equal(pointer?.version, published.pointer.version);
      assert.equal(pointer?.movies, entries.length);
      assert.deepEqual(objects(join(dir, 'streamed')), objects(join(dir, 'reference')));
    }),
    { numRuns: 40 },
  );
});
