import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EMPTY_LEDGER, LEDGER_WINDOW_MS, isHandled, nextLedger, pendingOf, type InboxLedger } from '../../src/snapshot/inbox-ledger.js';

/**
 * The ledger against a simulated inbox. Providers write objects whose visibility time is when the
 * upload started; each becomes listable up to LEDGER_WINDOW_MS later (the contract's bound). Runs
 * happen at increasing times, some listing the whole inbox, some reading only notified objects
 * (any subset of what is listable, as a queue that loses or delays messages). The reference is the
 * set of objects every run so far applied. The ledger must never let an object be applied twice,
 * and every object must be applied by the first full listing made once it is listable.
 */
interface Put {
  readonly key: string;
  readonly etag: string;
  readonly visibleAt: number;
  /** When it shows in listings: visibleAt plus a lag within the window. */
  readonly listableAt: number;
}

const puts = fc
  .array(
    fc.record({
      name: fc.integer({ min: 0, max: 15 }),
      content: fc.integer({ min: 0, max: 2 }),
      visibleAt: fc.integer({ min: 0, max: 3 * LEDGER_WINDOW_MS }),
      lag: fc.integer({ min: 0, max: LEDGER_WINDOW_MS }),
    }),
    { maxLength: 40 },
  )
  .map((raw) => {
    // A key holds one content at a time, as S3 does: a later put of another content replaces it.
    const seen = new Set<string>();
    const out: Put[] = [];
    for (const p of raw) {
      const id = `p/${p.name}.json\u0000${p.content}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ key: `p/${p.name}.json`, etag: `e${p.content}`, visibleAt: p.visibleAt, listableAt: p.visibleAt + p.lag });
    }
    return out;
  });

const runs = fc.array(
  fc.record({
    at: fc.integer({ min: 0, max: 5 * LEDGER_WINDOW_MS }),
    full: fc.boolean(),
    notifiedShare: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  { maxLength: 12 },
);

test('no object is applied twice, and a full listing applies everything listable that no run applied', () => {
  fc.assert(
    fc.property(puts, runs, (inbox, schedule) => {
      let ledger: InboxLedger = EMPTY_LEDGER;
      const applied = new Set<string>();
      const sorted = [...schedule].sort((a, b) => a.at - b.at);
      for (const run of sorted) {
        // What a listing at this time shows: for each key, the latest content already listable.
        const listable = inbox.filter((p) => p.listableAt <= run.at);
        const candidates = run.full ? listable : listable.filter((_, i) => (i * 0.618) % 1 < run.notifiedShare);
        const pending = pendingOf(ledger, candidates);
        for (const p of pending) {
          const id = `${p.key}\u0000${p.etag}`;
          assert.ok(!applied.has(id), `${id} would be applied twice`);
          applied.add(id);
          assert.ok(isHandled(nextLedger(ledger, [p]), p), 'a handled object reads as handled');
        }
        const newest = run.full && listable.length > 0 ? Math.max(...listable.map((p) => p.visibleAt)) : undefined;
        ledger = nextLedger(ledger, pending, newest);
        if (run.full) {
          for (const p of listable) assert.ok(applied.has(`${p.key}\u0000${p.etag}`), `${p.key} ${p.etag} was listed but never applied`);
        }
      }
    }),
    { numRuns: 500 },
  );
});

test('the ledger keeps only marks at or after its horizon, in a fixed order', () => {
  fc.assert(
    fc.property(puts, (inbox) => {
      const handled = inbox.map((p) => ({ key: p.key, etag: p.etag, visibleAt: p.visibleAt }));
      const newest = Math.max(0, ...handled.map((p) => p.visibleAt));
      const ledger = nextLedger(EMPTY_LEDGER, handled, newest);
      assert.equal(ledger.horizon, Math.max(0, newest - LEDGER_WINDOW_MS));
      for (const mark of ledger.recent) assert.ok(mark[2] >= ledger.horizon);
      assert.equal(ledger.recent.length, handled.filter((p) => p.visibleAt >= ledger.horizon).length);
      const again = nextLedger(EMPTY_LEDGER, [...handled].reverse(), newest);
      assert.deepEqual(again, ledger, 'the order objects were handled in does not change the ledger');
    }),
  );
});

test('a run without a full listing never moves the horizon', () => {
  const ledger = nextLedger(EMPTY_LEDGER, [{ key: 'a', etag: '1', visibleAt: 10 * LEDGER_WINDOW_MS }]);
  assert.equal(ledger.horizon, 0);
  assert.equal(ledger.recent.length, 1);
  // An older object that a lost notification never announced is still pending.
  assert.deepEqual(pendingOf(ledger, [{ key: 'b', etag: '1', visibleAt: 1 }]).length, 1);
});
