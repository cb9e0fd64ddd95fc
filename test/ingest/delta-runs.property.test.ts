import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { movieId } from '../../src/catalogue/id.js';
import type { Movie } from '../../src/catalogue/movie.js';
import { validateRecord } from '../../src/catalogue/validate.js';
import { buildIndex } from '../../src/engine/build/build-index.js';
import type { MergePolicy } from '../../src/snapshot/merge-policy.js';
import { MergeState } from '../../src/merge/merge-state.js';
import type { MergeDecision } from '../../src/snapshot/merge-policy.js';
import { manifestReferences } from '../../src/snapshot/manifest.js';
import { encodeSegment } from '../../src/snapshot/segment-codec.js';
import type { VersionPointer } from '../../src/snapshot/snapshot.js';
import { seededFolder, TEST_RETENTION } from '../support/catalogue-store.js';

/**
 * Ingestion as runs of deltas against the plainest model of it: every inbox object ever dropped,
 * merged from scratch by MergeState in stamp order. Random files (adds, partial updates, deletes,
 * resurrections, late files older than ones already applied, invalid records and whole rejected
 * files) are dropped and ingested run by run, some runs cut into batches (MOVIES_INGEST_RUN_BYTES),
 * with merges of deltas and compactions forced at random points; after every run the served
 * catalogue equals the model's, and every object the current version names exists.
 */
const TITLES = ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon', 'Zeta', 'Eta', 'Theta'];
const BASE: Movie[] = TITLES.slice(0, 5).map((title, i) => ({
  id: '',
  title,
  year: 2000 + (i % 2),
  cast: [`Cast ${i}`],
  genres: ['Drama'],
}));

const record = fc.oneof(
  // A movie that may exist already: some fields, maybe a deletion or a resurrection.
  fc.record(
    {
      title: fc.constantFrom(...TITLES),
      year: fc.constantFrom(2000, 2001),
      cast: fc.array(fc.constantFrom('Ann', 'Bob', 'Cy'), { maxLength: 2 }),
      genres: fc.array(fc.constantFrom('Drama', 'Comedy'), { maxLength: 2 }),
      deleted: fc.boolean(),
    },
    { requiredKeys: ['title', 'year'] },
  ),
  // Invalid: rejected alone, the rest of the file still applies.
  fc.constant({ title: '', year: 1 }),
);
const file = fc.record({
  content: fc.oneof(
    { weight: 9, arbitrary: fc.array(record, { minLength: 1, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.constant('not json') },
  ),
  // Minutes relative to the run: negative ones are late files, older than ones already applied.
  minutes: fc.integer({ min: -30, max: 30 }),
});
const decision = fc.constantFrom<MergeDecision['kind'] | 'from-1'>('none', 'none', 'base', 'from-1');
// A run's MOVIES_INGEST_RUN_BYTES: unbounded, or small enough that its files go in batches of one or two.
const runBytes = fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined });
const runs = fc.array(fc.record({ files: fc.array(file, { minLength: 1, maxLength: 3 }), merge: decision, runBytes }), {
  minLength: 1,
  maxLength: 6,
});

test('runs of deltas, merges and compactions serve exactly what merging every file from scratch gives', async () => {
  const seed = BASE.map((m) => ({ ...m, id: movieId(m.title, m.year) }));
  await fc.assert(
    fc.asyncProperty(runs, async (plan) => {
      const s = await seededFolder(seed);
      const dropped: { key: string; content: unknown; mtime: number }[] = [];
      let count = 0;
      for (const [r, run] of plan.entries()) {
        for (const f of run.files) {
          const key = `p${count % 2}/f${count}.json`;
          const mtime = 1_700_000_000 + r * 3600 + f.minutes * 60;
          s.drop(key, f.content, mtime);
          dropped.push({ key, content: f.content, mtime });
          count++;
        }
        const policy: MergePolicy = (_base, deltas) =>
          run.merge === 'base'
            ? { kind: 'base' }
            : run.merge === 'from-1' && deltas.length >= 2
              ? { kind: 'deltas', from: deltas.length - 2 }
              : { kind: 'none' };
        const outcome = await s.ingest(1 << 20, TEST_RETENTION, policy, undefined, run.runBytes);
        assert.ok(outcome.published, 'every run has new files');
        if (run.runBytes === undefined) assert.equal(outcome.runs.length, 1, 'one version for the run');
        const served = sortById(await s.movies());
        const want = reference(seed, dropped);
        assert.deepEqual(served, sortById(want), `after run ${r + 1}`);
        await assertComplete(s, outcome.merge?.pointer ?? outcome.pointer);
        if (outcome.merge?.kind === 'base') await assertFromScratch(s, outcome.merge.pointer, want);
      }
    }),
    { numRuns: 25 },
  );
});

/** Every object the current version names is in the store: garbage collection left it alone. */
async function assertComplete(s: Awaited<ReturnType<typeof seededFolder>>, pointer: VersionPointer): Promise<void> {
  const manifest = await s.repository.readManifest(pointer.manifest);
  for (const key of manifestReferences(manifest)) assert.ok(await s.repository.store.head(key), `${key} is named by the current version`);
}

/** A compaction's base is the very segment a from-scratch build of the live movies gives, byte for byte. */
async function assertFromScratch(
  s: Awaited<ReturnType<typeof seededFolder>>,
  pointer: VersionPointer,
  live: readonly Movie[],
): Promise<void> {
  const { base, sequence } = await s.repository.readManifest(pointer.manifest);
  const scratch = encodeSegment(buildIndex(`${sequence}-base`, live), { kind: 'base', sequence, deletes: [] });
  assert.equal(base.sha256, scratch.sha256, `the base compacted at ${sequence}`);
}

/** The model: the seed, then every dropped file's valid records in stamp order, merged by MergeState. */
function reference(seed: readonly Movie[], dropped: readonly { key: string; content: unknown; mtime: number }[]): Movie[] {
  const state = MergeState.fromMovies(seed);
  const order = [...dropped].sort((a, b) => a.mtime - b.mtime || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key, content, mtime } of order) {
    if (!Array.isArray(content)) continue;
    content.forEach((raw: unknown, position) => {
      const valid = validateRecord(raw);
      if (valid.ok) state.apply(valid.record, { lastModified: mtime * 1000, objectKey: key, position });
    });
  }
  return [...state.movies()];
}

function sortById(movies: readonly Movie[]): Movie[] {
  return [...movies].map((m) => ({ ...m, cast: [...m.cast], genres: [...m.genres] })).sort((a, b) => (a.id < b.id ? -1 : 1));
}
