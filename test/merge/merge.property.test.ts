import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { movieId } from '../../src/catalogue/id.js';
import { MOVIE_FIELDS, type Movie } from '../../src/catalogue/movie.js';
import { validateRecord } from '../../src/catalogue/validate.js';
import { MergeState } from '../../src/merge/merge-state.js';

/**
 * The reference: for every key, each field takes the value of the greatest-stamped valid record
 * that states it (else the seed's), and the movie is live unless the greatest-stamped record says
 * deleted. Written as a direct reading of the contract, with no incremental state.
 */
interface UpdateObject {
  key: string;
  lastModified: number;
  records: unknown[];
}

const fold = (t: string) => t.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/gu, ' ');

function reference(seed: readonly Movie[], objects: readonly UpdateObject[]): Map<string, Record<string, unknown>> {
  type Stamped = { stamp: [number, string, number]; record: Record<string, unknown> };
  const flat: Stamped[] = [];
  for (const o of objects) {
    o.records.forEach((raw, position) => {
      const v = validateRecord(raw);
      if (v.ok) flat.push({ stamp: [o.lastModified, o.key, position], record: { ...v.record.fields, deleted: v.record.deleted } });
    });
  }
  const cmp = (a: Stamped, b: Stamped) =>
    a.stamp[0] - b.stamp[0] || (a.stamp[1] < b.stamp[1] ? -1 : a.stamp[1] > b.stamp[1] ? 1 : 0) || a.stamp[2] - b.stamp[2];
  flat.sort(cmp);
  const keyOf = (title: string, year: number) => `${year}|${fold(title)}`;
  const out = new Map<string, Record<string, unknown>>();
  const keys = new Set([
    ...seed.map((m) => keyOf(m.title, m.year)),
    ...flat.map((f) => keyOf(f.record.title as string, f.record.year as number)),
  ]);
  for (const key of keys) {
    const updates = flat.filter((f) => keyOf(f.record.title as string, f.record.year as number) === key);
    const seeded = seed.filter((m) => keyOf(m.title, m.year) === key);
    const bases: Movie[] =
      seeded.length > 0
        ? seeded
        : [
            {
              id: movieId(updates[0]!.record.title as string, updates[0]!.record.year as number),
              title: updates[0]!.record.title as string,
              year: updates[0]!.record.year as number,
              cast: [],
              genres: [],
            },
          ];
    const last = updates[updates.length - 1];
    const deleted = last ? last.record.deleted === true : seeded.length === 0;
    if (deleted) continue;
    for (const base of bases) {
      const movie: Record<string, unknown> = { ...base };
      for (const field of MOVIE_FIELDS) {
        const stating = updates.filter((u) => Object.prototype.hasOwnProperty.call(u.record, field));
        if (stating.length > 0) movie[field] = stating[stating.length - 1]!.record[field];
      }
      out.set(base.id, movie);
    }
  }
  return out;
}

function merged(seed: readonly Movie[], runs: readonly (readonly UpdateObject[])[]): MergeState {
  let state = MergeState.fromMovies(seed);
  for (const objects of runs) {
    for (const o of objects) {
      o.records.forEach((raw, position) => {
        const v = validateRecord(raw);
        if (v.ok) state.apply(v.record, { lastModified: o.lastModified, objectKey: o.key, position });
      });
    }
    // Between runs the state goes through a snapshot: rebuild it from plain copies.
    state = MergeState.fromEntries([...state.allEntries()].map((e) => structuredClone(e)));
  }
  return state;
}

function live(state: MergeState): Map<string, Record<string, unknown>> {
  return new Map([...state.movies()].map((m) => [m.id, { ...m }]));
}

const titles = ['Alpha', 'ALPHA', 'Álpha', ' alpha ', 'Beta', 'Carmen', 'New One', 'new  one'];
const seedMovies: Movie[] = [
  { id: movieId('Alpha', 2000), title: 'Alpha', year: 2000, cast: ['A'], genres: ['Drama'] },
  { id: movieId('Beta', 2000), title: 'Beta', year: 2000, cast: [], genres: ['Comedy'] },
  { id: movieId('Carmen', 1915), title: 'Carmen', year: 1915, cast: ['Theda Bara'], genres: ['Drama'] },
  { id: movieId('Carmen', 1915, 1), title: 'Carmen', year: 1915, cast: ['Geraldine Farrar'], genres: ['Drama'] },
];

const record = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record(
      {
        title: fc.constantFrom(...titles),
        year: fc.constantFrom(2000, 1915, 2001),
        cast: fc.array(fc.constantFrom('A', 'B', 'C'), { maxLength: 2 }),
        genres: fc.array(fc.constantFrom('Drama', 'Action'), { maxLength: 2 }),
        extract: fc.constantFrom('x', 'y'),
        deleted: fc.boolean(),
      },
      { requiredKeys: ['title', 'year'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>({ title: '', year: 2000 }, { title: 'Alpha', year: 1700 }, 'junk', {
      title: 'Alpha',
      year: 2000,
      cast: 'x',
    }),
  },
);
const objects = fc
  .array(
    fc.record({
      key: fc.constantFrom('p/a.json', 'p/b.json', 'q/c.json', 'q/d.json'),
      lastModified: fc.integer({ min: 1, max: 5 }),
      records: fc.array(record, { maxLength: 5 }),
    }),
    { maxLength: 6 },
  )
  // One object per key and time, as a store would have: equal times on different keys still happen.
  .map((list) => [...new Map(list.map((o) => [`${o.key}|${o.lastModified}`, o])).values()]);

test('the merge equals the reference model', () => {
  fc.assert(
    fc.property(objects, (objs) => assert.deepEqual(live(merged(seedMovies, [objs])), reference(seedMovies, objs))),
    { numRuns: 500 },
  );
});

test('every processing order of the same objects gives the same catalogue', () => {
  fc.assert(
    fc.property(
      objects.chain((objs) => fc.tuple(fc.constant(objs), fc.shuffledSubarray(objs, { minLength: objs.length, maxLength: objs.length }))),
      ([objs, shuffled]) => {
        const a = merged(seedMovies, [objs]);
        const b = merged(seedMovies, [shuffled]);
        assert.deepEqual(live(b), live(a));
        const entries = (s: MergeState) => new Map([...s.allEntries()].map((e) => [e.id, e]));
        assert.deepEqual(entries(b), entries(a));
      },
    ),
    { numRuns: 500 },
  );
});

test('splitting objects over runs, and replaying any of them, changes nothing', () => {
  fc.assert(
    fc.property(objects, fc.nat(6), fc.nat(6), (objs, cut, replay) => {
      const once = live(merged(seedMovies, [objs]));
      const split = live(merged(seedMovies, [objs.slice(0, cut), objs.slice(cut), objs.slice(0, replay)]));
      assert.deepEqual(split, once);
    }),
    { numRuns: 300 },
  );
});

test('reported changes are exactly the visible differences', () => {
  fc.assert(
    fc.property(objects, (objs) => {
      const state = MergeState.fromMovies(seedMovies);
      for (const o of objs) {
        o.records.forEach((raw, position) => {
          const v = validateRecord(raw);
          if (!v.ok) return;
          const before = new Map([...state.allEntries()].map((e) => [e.id, structuredClone({ values: e.values, deleted: e.deleted })]));
          const changes = state.apply(v.record, { lastModified: o.lastModified, objectKey: o.key, position });
          for (const change of changes) {
            const prior = before.get(change.id);
            const now = state.entry(change.id)!;
            const current = change.field === 'deleted' ? now.deleted : (now.values as Record<string, unknown>)[change.field];
            assert.deepEqual(current, change.new);
            if (prior)
              assert.deepEqual(
                change.field === 'deleted' ? prior.deleted : ((prior.values as Record<string, unknown>)[change.field] ?? null),
                change.old,
              );
          }
          const changed = new Set(changes.map((c) => `${c.id}|${c.field}`));
          for (const [id, prior] of before) {
            const now = state.entry(id)!;
            for (const field of MOVIE_FIELDS) {
              if (!changed.has(`${id}|${field}`))
                assert.deepEqual((now.values as Record<string, unknown>)[field], (prior.values as Record<string, unknown>)[field]);
            }
            if (!changed.has(`${id}|deleted`)) assert.equal(now.deleted, prior.deleted);
          }
        });
      }
    }),
    { numRuns: 200 },
  );
});
