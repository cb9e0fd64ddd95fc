import type { Logger } from 'pino';
import { auditRecord, type AuditRecord, type HistoryEntry } from '../snapshot/audit.js';
import { storeTotals } from '../snapshot/collect-garbage.js';
import type { InboxLedger, LedgerMark } from '../snapshot/inbox-ledger.js';
import type { SegmentRef } from '../snapshot/manifest.js';
import type { CurrentPointer, SnapshotRepository } from '../snapshot/repository.js';
import type { StateEntry } from '../snapshot/state-bucket.js';
import type { LegacyPointer, SegmentPointer, Snapshot } from '../snapshot/snapshot.js';
import { writeWholeCatalogue } from '../snapshot/write-version.js';

/**
 * Converts a store written by an older release (pointer format 1 or 2: one merge-state object
 * holding the whole catalogue and ledger) to format 3, as one version of its own: every entry moves
 * into the state buckets with its history, the ledger's marks into the bounded ledger, and a format-2
 * segment becomes the base as it is. Replicas of this release serve both formats, so the conversion
 * can happen at any point of a rolling upgrade; the first ingestion run after it does it, once.
 */
export async function convertStore(
  repository: SnapshotRepository,
  current: CurrentPointer,
  now: Date,
  log: Logger,
): Promise<CurrentPointer> {
  const pointer = current.pointer as LegacyPointer | SegmentPointer;
  const started = performance.now();
  const snapshot = await repository.loadState(pointer);
  const history = await historyOf(repository, snapshot);
  const entries: StateEntry[] = snapshot.entries.map((entry) => ({ ...entry, history: history.get(entry.id) ?? [] }));
  const summary = snapshot.runs[snapshot.runs.length - 1];
  const sequence = pointer.sequence + 1;
  const manifest = await writeWholeCatalogue(repository, {
    sequence,
    entries,
    ...(pointer.format === 'cinedex-pointer/2' ? { base: legacyBase(pointer) } : {}),
    ledger: ledgerOf(snapshot),
    lastRun: summary ? { summary, objects: snapshot.ledger.filter((entry) => entry.run === summary.id) } : null,
  });
  const published = await repository.publish(manifest, current.etag, now, await storeTotals(repository));
  log.info(
    { from: pointer.version, version: published.pointer.version, ms: Math.round(performance.now() - started) },
    `store converted from ${pointer.format} to cinedex-pointer/3`,
  );
  return published;
}

function legacyBase(pointer: SegmentPointer): SegmentRef {
  return { ...pointer.segment, sequence: pointer.sequence, movies: pointer.movies, deletes: 0 };
}

/** Every object the old ledger records, as marks: the first run that lists the inbox moves the horizon past them. */
function ledgerOf(snapshot: Snapshot): InboxLedger {
  const marks = new Map<string, LedgerMark>();
  for (const entry of snapshot.ledger) marks.set(`${entry.key}\u0000${entry.etag}`, [entry.key, entry.etag, entry.lastModified]);
  const recent = [...marks.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return { horizon: 0, recent };
}

/** Each movie's history, oldest first: inline in format 1, in the audit buckets in format 2. */
async function historyOf(repository: SnapshotRepository, snapshot: Snapshot): Promise<Map<string, HistoryEntry[]>> {
  const records: AuditRecord[] = snapshot.audit.map((entry) => auditRecord(entry, snapshot.ledger));
  for (const key of snapshot.auditBuckets ?? [])
    if (key !== null) for (const record of await repository.readAuditBucket(key)) records.push(record);
  const out = new Map<string, HistoryEntry[]>();
  for (const { id, ...entry } of records) {
    const list = out.get(id);
    if (list) list.push(entry);
    else out.set(id, [entry]);
  }
  return out;
}
