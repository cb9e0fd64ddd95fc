import { idOfKey } from '../catalogue/id.js';
import type { Movie } from '../catalogue/movie.js';
import { movieKey } from '../catalogue/normalise.js';
import type { ValidRecord } from '../catalogue/validate.js';
import { MergeState, type MovieEntry } from '../merge/merge-state.js';
import type { HistoryEntry } from '../snapshot/audit.js';
import type { StateEntry } from '../snapshot/state-bucket.js';
import type { LedgerEntry, RunSummary } from '../snapshot/snapshot.js';
import { applyObject, type ParsedObject } from './apply-object.js';

/**
 * The id a record's key starts from: the first movie with that key. The others sharing it (seed
 * duplicates) are listed on that first entry (StateEntry.siblings), so a run reads this id's
 * bucket first, then its siblings'.
 */
export function primaryIdOf(record: ValidRecord): string {
  return idOfKey(movieKey(record.fields.title, record.fields.year));
}

export interface RunResult {
  readonly summary: RunSummary;
  /** One per object, in the order applied. */
  readonly ledger: readonly LedgerEntry[];
  /** The entries whose state changed, history appended: what the run writes back to their buckets. */
  readonly changed: readonly StateEntry[];
  /** Movies to serve from this run's delta: new, changed or back from deletion. */
  readonly movies: readonly Movie[];
  /** Ids served before and deleted now. */
  readonly deletes: readonly string[];
  /** Live movies after the run minus before. */
  readonly liveChange: number;
}

/**
 * Applies a run's objects (already in stamp order) to the entries they touch, read from the state
 * buckets: the merge rules of merge/merge-state.ts over a few entries instead of the catalogue.
 * Pure, so a run's outcome is a function of the entries and the objects, and a rerun after a crash
 * gives the same bytes.
 */
export function applyRun(entries: readonly StateEntry[], objects: readonly ParsedObject[], sequence: number): RunResult {
  const run = `run-${sequence}`;
  const before = new Map<string, string | null>();
  for (const entry of entries) before.set(entry.id, servedJson(entry));
  // The state works on copies: the caller's entries are the buckets' parsed lines.
  const state = MergeState.fromEntries(entries.map(copyEntry));
  const history = new Map<string, HistoryEntry[]>();
  const ledger: LedgerEntry[] = [];
  const summary = { id: run, sequence, objectsApplied: 0, objectsRejected: 0, recordsApplied: 0, recordsRejected: 0, changes: 0 };
  for (const parsed of objects) {
    const applied = applyObject(state, parsed, run);
    ledger.push(applied.ledger);
    if (applied.ledger.status === 'applied') summary.objectsApplied++;
    else summary.objectsRejected++;
    summary.recordsApplied += applied.ledger.recordsApplied;
    summary.recordsRejected += applied.ledger.recordsRejected;
    summary.changes += applied.changes.length;
    const source = { object: parsed.object.key, provider: parsed.provider, lastModified: parsed.object.lastModified.toISOString(), run };
    for (const change of applied.changes) {
      const list = history.get(change.id) ?? [];
      list.push({ field: change.field, old: change.old, new: change.new, ...source });
      history.set(change.id, list);
    }
  }
  const changed: StateEntry[] = [];
  const movies: Movie[] = [];
  const deletes: string[] = [];
  let liveChange = 0;
  for (const [id, added] of history) {
    const entry = state.entry(id) as StateEntry;
    changed.push({ ...entry, history: [...(entry.history ?? []), ...added] });
    const was = before.get(id) ?? null;
    const now = servedJson(entry);
    if (now !== null && now !== was) movies.push({ ...entry.values, id });
    if (now === null && was !== null) deletes.push(id);
    liveChange += (now === null ? 0 : 1) - (was === null ? 0 : 1);
  }
  changed.sort(byId);
  movies.sort(byId);
  deletes.sort();
  return { summary, ledger, changed, movies, deletes, liveChange };
}

/** The movie as served, or null while it is deleted: what decides whether a delta carries it. */
function servedJson(entry: MovieEntry): string | null {
  return entry.deleted ? null : JSON.stringify({ ...entry.values, id: entry.id });
}

function copyEntry(entry: StateEntry): StateEntry {
  return {
    ...entry,
    values: { ...entry.values },
    stamps: { ...entry.stamps },
    history: entry.history ?? [],
    ...(entry.siblings ? { siblings: [...entry.siblings] } : {}),
  };
}

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
