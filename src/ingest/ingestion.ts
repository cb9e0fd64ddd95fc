import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { ObjectTooLargeError, ObjectUnreadableError, SnapshotError } from '../errors/errors.js';
import type { Retention } from '../snapshot/collect-garbage.js';
import { nextLedger, pendingOf, type InboxObjectId } from '../snapshot/inbox-ledger.js';
import type { Manifest, SegmentRef } from '../snapshot/manifest.js';
import type { CurrentPointer, SnapshotRepository } from '../snapshot/repository.js';
import { publishVersion } from './publish-version.js';
import { stateBucketOf, type StateBucket, type StateEntry } from '../snapshot/state-bucket.js';
import type { RunSummary, VersionPointer } from '../snapshot/snapshot.js';
import { inParallel } from '../store/in-parallel.js';
import { visibleAt, type ObjectStore, type StoredObject } from '../store/object-store.js';
import { parseObject, type InboxObject, type ParsedObject } from './apply-object.js';
import { applyRun, primaryIdOf } from './apply-run.js';
import { convertStore } from './convert-store.js';
import { mergeSegments, type MergeOutcome } from './merge-segments.js';
import { runBatches } from './run-batches.js';
import { decideMerge, deferredWhileBatchesFollow, type MergePolicy } from '../snapshot/merge-policy.js';
import { DEFAULT_SYNONYMS_KEY, readSynonymsUpdate, synonymsOutcome, type SynonymsOutcome, type SynonymsUpdate } from './synonyms-run.js';

export interface IngestOptions {
  readonly repository: SnapshotRepository;
  readonly inbox: ObjectStore;
  readonly maxObjectBytes: number;
  /**
   * Inbox bytes read and published as one version (MOVIES_INGEST_RUN_BYTES, which the commands pass): a larger
   * backlog goes in batches (run-batches.ts). Unset, the whole backlog is one batch.
   */
  readonly runBytes?: number;
  readonly log: Logger;
  readonly retention: Retention;
  readonly now?: () => Date;
  /**
   * The objects to consider instead of listing the inbox (a queue's notifications). Objects a run
   * already handled are skipped either way; only a full listing moves the ledger's horizon.
   */
  readonly objects?: readonly StoredObject[];
  /** When to merge segments (snapshot/merge-policy.ts's decideMerge unless a test forces its own). */
  readonly mergePolicy?: MergePolicy;
  /** The operator's synonyms file in the catalogue's store (MOVIES_SYNONYMS_KEY; synonyms-run.ts). */
  readonly synonymsKey?: string;
  /**
   * Told as soon as the run's version is published, before any merge that follows it: a serving
   * process in the same process can load the version while the merge (seconds, for a new base) runs.
   */
  readonly onPublished?: (pointer: VersionPointer) => void;
}

/** The run's options a configuration states. */
export function ingestSettingsOf(config: Config): Pick<IngestOptions, 'maxObjectBytes' | 'runBytes' | 'retention' | 'synonymsKey'> {
  return {
    maxObjectBytes: config.maxUpdateBytes,
    runBytes: config.runBytes,
    retention: { keep: config.keepVersions, graceMs: config.gcGraceSeconds * 1000 },
    synonymsKey: config.synonymsKey,
  };
}

/** What became of the inbox objects a run considered, so a queue consumer knows which notifications are done. */
export interface ObjectsSettled {
  /** Read by this run and in its ledger (applied or rejected): in the published version, or none when nothing was. */
  readonly applied: readonly StoredObject[];
  /** Of the objects given, those the ledger held already (none when the run listed the inbox). */
  readonly alreadyApplied: readonly StoredObject[];
  /** What the run did with the operator's synonyms file, when it had changed. */
  readonly synonyms?: SynonymsOutcome;
}

export type IngestOutcome = ObjectsSettled &
  (
    | {
        readonly published: true;
        /** The last version the run published: one per batch of MOVIES_INGEST_RUN_BYTES, usually one. */
        readonly pointer: VersionPointer;
        /** The last batch's summary; `runs` has every batch's, in order. */
        readonly run: RunSummary;
        readonly runs: readonly RunSummary[];
        /** The merge that followed, published as the next version, if the policy asked for one. */
        readonly merge?: MergeOutcome;
      }
    | {
        readonly published: false;
        readonly reason: string;
        /** A merge the policy still wanted (one a crash cut short), published even though nothing was new. */
        readonly merge?: MergeOutcome;
      }
  );

/**
 * One ingestion run, costing what changed: read the pointer and its manifest, find the inbox objects
 * the ledger has not seen, read just the state buckets their records touch, merge, write those
 * buckets back and a delta segment holding the movies that changed, collect garbage, publish the
 * manifest. Then, if the merge policy asks, merge segments as the next version. Objects are applied
 * in stamp order and every name is derived from the sequence and the content, so a rerun after a
 * crash publishes the same bytes. A backlog larger than MOVIES_INGEST_RUN_BYTES is applied a batch
 * at a time, each published before the next is read; the merge waits for the last batch unless the
 * deltas pass their count bound (deferredWhileBatchesFollow).
 */
export async function runIngestion(options: IngestOptions): Promise<IngestOutcome> {
  const { repository, inbox, log } = options;
  const now = options.now ?? (() => new Date());
  const policy = options.mergePolicy ?? decideMerge;
  let current = await repository.current();
  if (!current) throw new SnapshotError(`the store ${repository.store.location} has no snapshot yet; run \`cinedex seed\` first`);
  if (current.pointer.format !== 'cinedex-pointer/3') current = await convertStore(repository, current, now(), log);
  let manifest = await repository.readManifest((current.pointer as VersionPointer).manifest);

  const listed: StoredObject[] = [];
  if (options.objects) listed.push(...options.objects);
  else for await (const object of inbox.list('')) listed.push(object);
  const fullListing = options.objects ? undefined : listed.reduce((max, o) => Math.max(max, visibleAt(o)), manifest.ledger.horizon);
  const candidates = listed.map((object) => ({ key: object.key, etag: object.etag, visibleAt: visibleAt(object), object }));
  const pendingIds = pendingOf(manifest.ledger, candidates);
  // Objects already handled are marked again with their visibility time now: a file touched since
  // (its ctime moves) must not outlive its mark when the horizon moves past the time it was marked at.
  const pendingSet = new Set(pendingIds);
  const marked = candidates.filter((c) => c.visibleAt >= manifest.ledger.horizon && !pendingSet.has(c));
  const alreadyApplied = options.objects ? marked.map((c) => c.object) : [];
  pendingIds.sort((a, b) => stampOrder(a.object, b.object));
  // The synonyms file is looked at while the first batch is read: each is a round trip to the store,
  // and a notified run is a handful of them in a row, all of it between a PUT and its search.
  const synonymsRead = readSynonymsUpdate(repository, options.synonymsKey ?? DEFAULT_SYNONYMS_KEY, manifest.synonyms, log);
  const batches = runBatches(pendingIds, (p) => p.object.size, options.runBytes ?? Infinity);
  if (batches.length === 0) {
    const synonymsUpdate = await synonymsRead;
    // A changed synonyms file publishes a version even when the inbox has nothing new.
    if (synonymsUpdate.kind === 'changed') batches.push([]);
    else {
      const published = { pointer: current.pointer as VersionPointer, etag: current.etag };
      const merge = await mergeSegments(repository, published, manifest, { ...options, mergePolicy: policy }, now);
      const synonyms = synonymsOutcome(synonymsUpdate, undefined);
      return {
        published: false,
        reason: 'no new inbox objects',
        applied: [],
        alreadyApplied,
        ...(merge ? { merge } : {}),
        ...(synonyms ? { synonyms } : {}),
      };
    }
  }

  const runs: RunSummary[] = [];
  let last: BatchOutcome | undefined;
  for (const [i, batch] of batches.entries()) {
    if (i > 0) {
      // The previous batch's version, or the merge published after it, is where this one starts.
      current = (await repository.current()) ?? current;
      manifest = await repository.readManifest((current.pointer as VersionPointer).manifest);
    }
    // Another ingester may have applied some of them since (the CronJob overlapping a manual run).
    const objects = i === 0 ? batch : pendingOf(manifest.ledger, batch);
    if (i > 0 && objects.length === 0) continue;
    last = await publishBatch(options, now, current, manifest, {
      marked: i === 0 ? marked : [],
      objects,
      // Only the last batch may move the horizon: the objects after a batch are pending until theirs.
      fullListing: i === batches.length - 1 ? fullListing : undefined,
      synonymsUpdate: i === 0 ? synonymsRead : Promise.resolve({ kind: 'unchanged' }),
      mergePolicy: i === batches.length - 1 ? policy : deferredWhileBatchesFollow(policy),
    });
    runs.push(last.run);
  }
  const { pointer, run, merge, synonyms } = last as BatchOutcome;
  return {
    ...(synonyms ? { synonyms } : {}),
    published: true,
    pointer,
    run,
    runs,
    applied: pendingIds.map((p) => p.object),
    alreadyApplied,
    ...(merge ? { merge } : {}),
  };
}

type LedgerCandidate = InboxObjectId & { readonly object: StoredObject };

interface BatchOutcome {
  readonly pointer: VersionPointer;
  readonly run: RunSummary;
  readonly merge?: MergeOutcome;
  readonly synonyms?: SynonymsOutcome;
}

/** Reads a batch's objects, merges them, writes what changed and publishes it as the version after `current`. */
async function publishBatch(
  options: IngestOptions,
  now: () => Date,
  current: CurrentPointer,
  manifest: Manifest,
  batch: {
    /** Objects handled before, marked again in the ledger (the first batch's only). */
    readonly marked: readonly LedgerCandidate[];
    /** The batch's pending objects, in stamp order. */
    readonly objects: readonly LedgerCandidate[];
    readonly fullListing: number | undefined;
    readonly synonymsUpdate: Promise<SynonymsUpdate>;
    readonly mergePolicy: MergePolicy;
  },
): Promise<BatchOutcome> {
  const { repository, inbox, log } = options;
  const pointer = current.pointer as VersionPointer;
  const pending = batch.objects.map((c) => c.object);
  // A store failure reading an object aborts the run (nothing is published, the objects stay pending);
  // only an object's own content, or a store that will never hand it over, can get it rejected.
  const [synonymsUpdate, parsed] = await Promise.all([
    batch.synonymsUpdate,
    inParallel(pending, async (object) => parseObject(await readInboxObject(inbox, object, options.maxObjectBytes))),
  ]);
  const sequence = manifest.sequence + 1;
  const buckets = new BucketReader(repository, manifest);
  const entries = await touchedEntries(buckets, parsed);
  const result = applyRun(entries, parsed, sequence);
  for (const entry of result.ledger) {
    log.info(
      {
        object: entry.key,
        provider: entry.provider,
        status: entry.status,
        reason: entry.reason,
        recordsApplied: entry.recordsApplied,
        recordsRejected: entry.recordsRejected,
      },
      'inbox object processed',
    );
  }

  // The version's objects are written side by side: each has a name of its own that only this
  // sequence uses, and nothing names any of them until the pointer moves, so a crash between or
  // during them leaves the previous version current and a rerun writes the same bytes.
  const changedMovies = result.movies.length > 0 || result.deletes.length > 0;
  const [state, delta, synonymsRef] = await Promise.all([
    buckets.rewrite(sequence, result.changed),
    changedMovies ? repository.writeSegment(result.movies, { kind: 'delta', sequence, deletes: result.deletes }) : undefined,
    synonymsUpdate.kind === 'changed' ? synonymsUpdate.write?.(sequence) : undefined,
  ]);
  const deltas = delta === undefined ? manifest.deltas : [...manifest.deltas, delta];
  const next: Manifest = {
    ...manifest,
    ...(synonymsUpdate.kind === 'changed' ? { synonyms: synonymsRef ?? null } : {}),
    sequence,
    previous: pointer.manifest,
    movies: manifest.movies + result.liveChange,
    deltas,
    state,
    ledger: nextLedger(manifest.ledger, [...batch.marked, ...batch.objects], batch.fullListing),
    lastRun: { summary: result.summary, objects: result.ledger },
  };
  const published = await publishVersion(repository, current, manifest, next, options.retention, now(), log);
  log.info({ version: published.pointer.version, movies: next.movies, deltas: next.deltas.length, ...result.summary }, 'version published');
  options.onPublished?.(published.pointer);
  const merge = await mergeSegments(repository, published, next, { ...options, mergePolicy: batch.mergePolicy }, now);
  const synonyms = synonymsOutcome(synonymsUpdate, synonymsRef);
  return { pointer: published.pointer, run: result.summary, ...(merge ? { merge } : {}), ...(synonyms ? { synonyms } : {}) };
}

/**
 * The entries a run's records touch: each record's first movie for its key, and that movie's
 * siblings. The buckets are read a round at a time, all of a round's together: the records' own
 * ids, then the siblings those entries name (siblings name none, so there are at most two rounds).
 */
async function touchedEntries(buckets: BucketReader, parsed: readonly ParsedObject[]): Promise<StateEntry[]> {
  const primaries = new Set<string>();
  for (const object of parsed) for (const { record } of object.records) primaries.add(primaryIdOf(record));
  const found = new Map<string, StateEntry>();
  const ordered: StateEntry[] = [];
  let round = [...primaries].sort();
  while (round.length > 0) {
    await buckets.readFor(round);
    const next: string[] = [];
    for (const id of round) {
      if (found.has(id)) continue;
      const entry = buckets.loaded(stateBucketOf(id)).entry(id);
      if (!entry) continue;
      found.set(id, entry);
      ordered.push(entry);
      for (const sibling of entry.siblings ?? []) if (!found.has(sibling)) next.push(sibling);
    }
    round = next;
  }
  return ordered;
}

/** The state buckets a run reads, each read once, and written back with the entries it changed. */
class BucketReader {
  private readonly read = new Map<number, StateBucket>();

  constructor(
    private readonly repository: SnapshotRepository,
    private readonly manifest: Manifest,
  ) {}

  /** Reads the buckets holding `ids` not read yet, a few at a time. */
  async readFor(ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids.map(stateBucketOf))].filter((n) => !this.read.has(n));
    const read = await inParallel(wanted, (n) => this.repository.readStateBucket(this.manifest.state[n] ?? null));
    wanted.forEach((n, i) => this.read.set(n, read[i] as StateBucket));
  }

  /** A bucket readFor has read. */
  loaded(n: number): StateBucket {
    return this.read.get(n) as StateBucket;
  }

  /** The manifest's state table with the buckets holding `changed` rewritten under this sequence. */
  async rewrite(sequence: number, changed: readonly StateEntry[]): Promise<(string | null)[]> {
    await this.readFor(changed.map((entry) => entry.id));
    const table = [...this.manifest.state];
    const byBucket = new Map<number, StateEntry[]>();
    for (const entry of changed) {
      const n = stateBucketOf(entry.id);
      const list = byBucket.get(n) ?? [];
      list.push(entry);
      byBucket.set(n, list);
    }
    await inParallel([...byBucket], async ([n, entries]) => {
      table[n] = await this.repository.writeStateBucket(sequence, n, this.loaded(n).rewrite(entries));
    });
    return table;
  }
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
    if (error instanceof ObjectUnreadableError)
      return { object, provider, content: { rejected: `the store will not hand it over: ${error.reason}` } };
    throw error;
  }
}

/** Last-modified time, then key: the order a run applies objects in. */
function stampOrder(a: StoredObject, b: StoredObject): number {
  return a.lastModified.getTime() - b.lastModified.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function tooLarge(size: number, maxBytes: number): string {
  return `object is ${size} bytes, more than the limit of ${maxBytes} bytes (MOVIES_MAX_UPDATE_BYTES)`;
}

export type { CurrentPointer, SegmentRef };
