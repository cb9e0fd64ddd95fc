import type { Logger } from 'pino';
import { ObjectTooLargeError, SnapshotError } from '../errors/errors.js';
import { MergeState } from '../merge/merge-state.js';
import type { CurrentPointer, SnapshotRepository } from '../snapshot/repository.js';
import { auditRecord, type AuditRecord } from '../snapshot/audit.js';
import type { LedgerEntry, Pointer, RunSummary } from '../snapshot/snapshot.js';
import type { ObjectStore, StoredObject } from '../store/object-store.js';
import { applyObject, type InboxObject } from './apply-object.js';

export interface IngestOptions {
  readonly repository: SnapshotRepository;
  readonly inbox: ObjectStore;
  readonly maxObjectBytes: number;
  readonly log: Logger;
  readonly now?: () => Date;
  /**
   * Read just these inbox objects (the queue's notifications) instead of listing the inbox; those
   * the ledger has applied (by key and ETag) are still skipped.
   */
  readonly objects?: readonly StoredObject[];
}

/** What became of the inbox objects a run considered, so a queue consumer knows which notifications are done. */
export interface ObjectsSettled {
  /** Read by this run and in its ledger (applied or rejected): in the published version, or none when nothing was. */
  readonly applied: readonly StoredObject[];
  /** Of the objects given, those the ledger held already (none when the run listed the inbox). */
  readonly alreadyApplied: readonly StoredObject[];
}

export type IngestOutcome = ObjectsSettled &
  (
    | { readonly published: true; readonly pointer: Pointer; readonly run: RunSummary }
    | { readonly published: false; readonly reason: string }
  );

/**
 * One ingestion run: read the current snapshot, apply the inbox objects its ledger has not seen
 * (by key and ETag), publish a new snapshot. Objects are applied in stamp order and the run id is
 * the snapshot sequence, so a rerun after a crash produces the very same snapshot.
 */
export async function runIngestion(options: IngestOptions): Promise<IngestOutcome> {
  const { repository, inbox, log } = options;
  const current = await repository.current();
  if (!current) throw new SnapshotError(`the store ${repository.store.location} has no snapshot yet; run \`cinedex seed\` first`);
  const snapshot = await repository.loadState(current.pointer);
  const seen = new Set(snapshot.ledger.map((entry) => ledgerKey(entry.key, entry.etag)));

  const pending: StoredObject[] = [];
  const alreadyApplied: StoredObject[] = [];
  for await (const object of options.objects ?? inbox.list('')) {
    if (!seen.has(ledgerKey(object.key, object.etag))) pending.push(object);
    else if (options.objects) alreadyApplied.push(object);
  }
  if (pending.length === 0) return { published: false, reason: 'no new inbox objects', applied: [], alreadyApplied };
  pending.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const sequence = snapshot.sequence + 1;
  const run = `run-${sequence}`;
  // The decoded snapshot belongs to this run alone, so its entries are merged in place.
  const state = MergeState.fromEntries(snapshot.entries);
  const ledger: LedgerEntry[] = [...snapshot.ledger];
  // A format-1 snapshot holds its audit inline: this run moves it into the audit buckets.
  const history: AuditRecord[] = snapshot.audit.map((entry) => auditRecord(entry, snapshot.ledger));
  const summary = { id: run, sequence, objectsApplied: 0, objectsRejected: 0, recordsApplied: 0, recordsRejected: 0, changes: 0 };
  for (const object of pending) {
    // A store failure here aborts the run (nothing is published, the object stays pending);
    // only the object's own content can get it rejected.
    const input = await readInboxObject(inbox, object, options.maxObjectBytes);
    const applied = applyObject(state, input, ledger.length, run);
    ledger.push(applied.ledger);
    // Not push(...spread): a file of 100k records would exceed the argument limit.
    for (const entry of applied.audit) history.push(auditRecord(entry, ledger));
    if (applied.ledger.status === 'applied') summary.objectsApplied++;
    else summary.objectsRejected++;
    summary.recordsApplied += applied.ledger.recordsApplied;
    summary.recordsRejected += applied.ledger.recordsRejected;
    summary.changes += applied.audit.length;
    log.info(
      {
        object: object.key,
        provider: input.provider,
        status: applied.ledger.status,
        reason: applied.ledger.reason,
        recordsApplied: applied.ledger.recordsApplied,
        recordsRejected: applied.ledger.recordsRejected,
      },
      'inbox object processed',
    );
  }
  const next = {
    sequence,
    basedOn: current.pointer.version,
    entries: [...state.allEntries()],
    ledger,
    runs: [...snapshot.runs, summary],
    ...(snapshot.auditBuckets ? { auditBuckets: snapshot.auditBuckets } : {}),
  };
  const pointer = await repository.publish(next, history, current.etag, (options.now ?? (() => new Date()))());
  log.info({ version: pointer.version, movies: pointer.movies, ...summary }, 'snapshot published');
  return { published: true, pointer, run: summary, applied: pending, alreadyApplied };
}

function ledgerKey(key: string, etag: string): string {
  return `${key}\u0000${etag}`;
}

/** Providers write under inbox/<provider>/...; the first path segment names them. */
export function providerOf(key: string): string | undefined {
  const slash = key.indexOf('/');
  return slash > 0 ? key.slice(0, slash) : undefined;
}

async function readInboxObject(inbox: ObjectStore, object: StoredObject, maxBytes: number): Promise<InboxObject> {
  const provider = providerOf(object.key);
  if (provider === undefined)
    return { object, provider: '', content: { rejected: 'objects must be written under <provider>/ in the inbox' } };
  if (object.size > maxBytes) return { object, provider, content: { rejected: tooLarge(object.size, maxBytes) } };
  try {
    const found = await inbox.get(object.key, { maxBytes });
    // Listed a moment ago but gone now: the provider removed it; treat as an empty rejection, never a crash.
    if (!found) return { object, provider, content: { rejected: 'object disappeared before it could be read' } };
    return { object, provider, content: found.body };
  } catch (error) {
    if (error instanceof ObjectTooLargeError) return { object, provider, content: { rejected: tooLarge(error.size, maxBytes) } };
    throw error;
  }
}

function tooLarge(size: number, maxBytes: number): string {
  return `object is ${size} bytes, more than the limit of ${maxBytes} bytes (MOVIES_MAX_UPDATE_BYTES)`;
}

export type { CurrentPointer };
