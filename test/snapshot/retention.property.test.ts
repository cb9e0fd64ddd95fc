import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  keptCount,
  planRetention,
  sequenceOfName,
  POINTER_NAME,
  type ListedObject,
  type VersionRecord,
} from '../../src/snapshot/retention.js';

const seq = (n: number) => String(n).padStart(8, '0');

/**
 * A store history: versions 1..n published at increasing times, each referencing some objects of its
 * own sequence and some of earlier versions (shared state buckets and segments), plus unreferenced
 * objects of every sequence (crashed runs, losers of a race, a run in progress above the current).
 */
const history = fc
  .record({
    versions: fc.integer({ min: 1, max: 12 }),
    gaps: fc.array(fc.integer({ min: 1, max: 600_000 }), { minLength: 12, maxLength: 12 }),
    shared: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 20 }),
    orphans: fc.array(fc.tuple(fc.integer({ min: 1, max: 14 }), fc.integer({ min: 0, max: 7_200_000 })), { maxLength: 10 }),
    now: fc.integer({ min: 0, max: 3_600_000 }),
    keep: fc.integer({ min: 0, max: 4 }),
    graceMs: fc.integer({ min: 0, max: 1_800_000 }),
  })
  .map((h) => {
    let at = 1_000_000;
    const writtenAt: number[] = [];
    for (let v = 1; v <= h.versions; v++) writtenAt.push((at += h.gaps[v - 1] as number));
    const refs: string[][] = writtenAt.map((_, i) => [
      `catalogue/segments/${seq(i + 1)}-own.seg`,
      `catalogue/state/${seq(i + 1)}-00-own.ndjson`,
    ]);
    for (const [a, b] of h.shared) {
      const from = a % h.versions;
      const to = b % h.versions;
      if (from < to) (refs[to] as string[]).push(`catalogue/segments/${seq(from + 1)}-own.seg`);
    }
    const chain: VersionRecord[] = writtenAt
      .map((t, i) => ({ manifestKey: `catalogue/versions/${seq(i + 1)}-m.json`, references: refs[i] as string[], writtenAt: t }))
      .reverse();
    const listing: ListedObject[] = [{ key: POINTER_NAME, size: 1, lastModified: at }];
    writtenAt.forEach((t, i) => {
      listing.push({ key: `catalogue/versions/${seq(i + 1)}-m.json`, size: 1, lastModified: t });
      for (const key of new Set(refs[i])) if (key.includes(`/${seq(i + 1)}-`)) listing.push({ key, size: 10, lastModified: t - 1 });
    });
    for (const [s, age] of h.orphans)
      listing.push({ key: `catalogue/segments/${seq(s)}-orphan-${age}.seg`, size: 5, lastModified: at + h.now - age });
    listing.push(
      { key: 'catalogue/audit/3f-legacy.ndjson.gz', size: 7, lastModified: 0 },
      { key: 'catalogue/notes.txt', size: 1, lastModified: 0 },
    );
    return { ...h, chain, listing, now: at + h.now, current: h.versions };
  });

test('collection never takes the pointer, a kept version’s object, a young object or one written above the current sequence', () => {
  fc.assert(
    fc.property(history, (h) => {
      const plan = planRetention({
        currentSequence: h.current,
        chain: h.chain,
        listing: h.listing,
        now: h.now,
        keep: h.keep,
        graceMs: h.graceMs,
      });
      const kept = new Set(plan.kept);
      const keptRefs = new Set(h.chain.filter((v) => kept.has(v.manifestKey)).flatMap((v) => [v.manifestKey, ...v.references]));
      for (const o of plan.collect) {
        assert.notEqual(o.key, POINTER_NAME);
        assert.ok(!keptRefs.has(o.key), `${o.key} is referenced by a kept version`);
        assert.ok(o.lastModified < h.now - h.graceMs, `${o.key} is younger than the grace period`);
        assert.ok(sequenceOfName(o.key) <= h.current, `${o.key} was written above the current sequence`);
        assert.ok(o.key.startsWith('catalogue/') && o.key !== 'catalogue/notes.txt', 'only cinedex objects are collected');
      }
      // The current version and the `keep` newest are always kept, and so is every version superseded within the grace period.
      assert.equal(plan.kept[0], h.chain[0]?.manifestKey);
      for (let i = 1; i < h.chain.length; i++) {
        const supersededAt = (h.chain[i - 1] as VersionRecord).writtenAt;
        const mustKeep = i < Math.max(1, h.keep) || supersededAt > h.now - h.graceMs;
        if (mustKeep && plan.kept.length >= i) assert.ok(kept.has((h.chain[i] as VersionRecord).manifestKey));
      }
      // Everything else that is old, unreferenced and not above the current sequence goes.
      // (Counted by listing entry, not by key: a generated history may list one name twice.)
      const collected = new Set(plan.collect);
      assert.equal(plan.objects, h.listing.filter((o) => !collected.has(o)).length);
    }),
    { numRuns: 400 },
  );
});

test('kept versions follow the chain without gaps: the walk stops at the first version neither rule keeps', () => {
  const chain: VersionRecord[] = [
    { manifestKey: 'v4', references: [], writtenAt: 1000 },
    { manifestKey: 'v3', references: [], writtenAt: 900 },
    { manifestKey: 'v2', references: [], writtenAt: 100 },
    { manifestKey: 'v1', references: [], writtenAt: 50 },
  ];
  // v3 superseded at 1000 (within 200 of now=1100): kept; v2 superseded at 900: beyond the grace, and keep=1.
  assert.equal(keptCount(chain, 1100, 1, 200), 2);
  assert.equal(keptCount(chain, 1100, 3, 0), 3);
  assert.equal(keptCount(chain, 1100, 0, 0), 1, 'the current version is kept whatever keep says');
  assert.equal(sequenceOfName('catalogue/state/00000042-7f-abc.ndjson'), 42);
  assert.equal(sequenceOfName('catalogue/audit/7f-abc.ndjson.gz'), 0);
});
