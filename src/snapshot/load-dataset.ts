import type { Movie } from '../catalogue/movie.js';
import { CatalogueIndex, type SegmentEntry } from '../engine/catalogue-index.js';
import { foldDeltas, foldedEntries, type DeltaFold } from '../engine/delta-fold.js';
import { SegmentIndex } from '../engine/segment-index.js';
import { Synonyms } from '../engine/synonyms.js';
import { auditRecord, bucketOf, historyOf, type AuditRecord, type HistoryEntry } from './audit.js';
import type { Dataset, SegmentsStatus } from './catalogue-reader.js';
import type { LoadPhases } from './load-phases.js';
import type { Manifest, SegmentRef } from './manifest.js';
import type { SnapshotRepository } from './repository.js';
import { stateBucketOf, type StateBucket } from './state-bucket.js';
import type { LegacyPointer, Pointer, SegmentPointer, VersionPointer } from './snapshot.js';

/** State or audit buckets kept per dataset: a few recent ones answer a reader browsing around one movie. */
const BUCKETS_KEPT = 8;

/**
 * Loads the dataset a pointer names, keeping the segments it loaded for the next version: a new
 * version usually shares its base and most deltas with the one before, so a replica reads only the
 * segments it does not hold (a run's delta: milliseconds), and the base stays one copy in memory.
 * Its deltas are read folded into one (engine/delta-fold.ts), the fold made from the last version's.
 */
export class DatasetLoader {
  private segments = new Map<string, Promise<SegmentEntry>>();
  /** The last version's deltas folded into one (delta-fold.ts): the next version folds only its new deltas onto it. */
  private fold: DeltaFold | undefined;

  constructor(private readonly repository: SnapshotRepository) {}

  /** The dataset `pointer` names; `phases`, when given, gathers where the time went. */
  async load(pointer: Pointer, phases?: LoadPhases): Promise<Dataset> {
    if (pointer.format === 'cinedex-pointer/3') return this.loadVersion(pointer, phases);
    if (pointer.format === 'cinedex-pointer/2') return this.loadLegacy(pointer);
    return this.loadFirstFormat(pointer);
  }

  private async loadVersion(pointer: VersionPointer, phases?: LoadPhases): Promise<Dataset> {
    const { repository } = this;
    const reading = performance.now();
    const manifest = await repository.readManifest(pointer.manifest);
    phases?.add('manifest', reading);
    const refs = [manifest.base, ...manifest.deltas];
    const loaded = await Promise.all(refs.map((ref) => this.segment(ref, phases)));
    // Only what this version names stays cached: the segments a merge replaced are let go.
    const keys = new Set(refs.map((ref) => ref.key));
    for (const key of [...this.segments.keys()]) if (!keys.has(key)) this.segments.delete(key);
    const synonyms = manifest.synonyms ? Synonyms.of(await repository.readSynonyms(manifest.synonyms)) : Synonyms.NONE;
    const folding = performance.now();
    this.fold = foldDeltas(loaded, this.fold);
    phases?.add('fold', folding);
    const composing = performance.now();
    const index = CatalogueIndex.of(pointer.version, foldedEntries(loaded, this.fold), synonyms);
    phases?.add('version', composing);
    const buckets = new RecentReads<StateBucket>((key) => repository.readStateBucket(key));
    const history = async (id: string): Promise<HistoryEntry[]> => {
      const key = manifest.state[stateBucketOf(id)];
      if (!key) return [];
      const entry = (await buckets.get(key)).entry(id);
      return entry ? [...entry.history].reverse() : [];
    };
    const synonymsInForce = manifest.synonyms
      ? { key: manifest.synonyms.key, source: manifest.synonyms.source, entries: manifest.synonyms.entries }
      : null;
    const dataset = { index, pointer, history, segments: segmentsStatus(pointer, manifest), synonyms: synonymsInForce };
    return manifest.lastRun ? { ...dataset, lastRun: manifest.lastRun } : dataset;
  }

  /** A segment's index, wrapped once and shared by every version that names it (its word cache too). */
  private segment(ref: SegmentRef, phases?: LoadPhases): Promise<SegmentEntry> {
    let loading = this.segments.get(ref.key);
    if (loading === undefined) {
      loading = this.repository.loadSegment(ref, phases).then(({ index, meta }) => {
        const wrapping = performance.now();
        const entry = { index: new SegmentIndex(index), deletes: meta.deletes };
        phases?.add('segmentIndex', wrapping);
        return entry;
      });
      // A failed read is not kept: the next check tries the store again.
      loading.catch(() => this.segments.delete(ref.key));
      this.segments.set(ref.key, loading);
    }
    return loading;
  }

  /** Format 2 (before deltas): one segment, history in the audit buckets. */
  private async loadLegacy(pointer: SegmentPointer): Promise<Dataset> {
    const { repository } = this;
    const { index, meta } = await repository.loadLegacySegment(pointer);
    const buckets = new RecentReads<AuditRecord[]>((key) => repository.readAuditBucket(key));
    const history = async (id: string): Promise<HistoryEntry[]> => {
      const key = meta.auditBuckets[bucketOf(id)];
      return key ? historyOf(await buckets.get(key), id) : [];
    };
    const dataset = { index: CatalogueIndex.of(pointer.version, [{ index: new SegmentIndex(index), deletes: [] }]), pointer, history };
    return meta.lastRun ? { ...dataset, lastRun: meta.lastRun } : dataset;
  }

  /** Format 1 (before segments): the merge state decoded and indexed in this process, the slow way. */
  private async loadFirstFormat(pointer: LegacyPointer): Promise<Dataset> {
    const snapshot = await this.repository.loadState(pointer);
    const movies: Movie[] = [];
    for (const entry of snapshot.entries) if (!entry.deleted) movies.push({ ...entry.values, id: entry.id });
    const records = snapshot.audit.map((entry) => auditRecord(entry, snapshot.ledger));
    const summary = snapshot.runs[snapshot.runs.length - 1];
    const dataset = {
      index: CatalogueIndex.build(pointer.version, movies),
      pointer,
      history: (id: string) => Promise.resolve(historyOf(records, id)),
    };
    return summary ? { ...dataset, lastRun: { summary, objects: snapshot.ledger.filter((e) => e.run === summary.id) } } : dataset;
  }
}

/** Objects read on demand (history), the last few kept. */
class RecentReads<T> {
  private readonly reads = new Map<string, Promise<T>>();

  constructor(private readonly read: (key: string) => Promise<T>) {}

  get(key: string): Promise<T> {
    let value = this.reads.get(key);
    if (value === undefined) {
      value = this.read(key);
      // A failed read is not kept: the next request tries the store again.
      value.catch(() => this.reads.delete(key));
      this.reads.set(key, value);
      if (this.reads.size > BUCKETS_KEPT) this.reads.delete(this.reads.keys().next().value as string);
    }
    return value;
  }
}

function segmentsStatus(pointer: VersionPointer, manifest: Manifest): SegmentsStatus {
  const { base, deltas } = manifest;
  return {
    base: { sequence: base.sequence, movies: base.movies, bytes: base.bytes },
    deltas: {
      count: deltas.length,
      sequences: deltas.map((d) => d.sequence),
      movies: deltas.reduce((n, d) => n + d.movies, 0),
      deletes: deltas.reduce((n, d) => n + d.deletes, 0),
      bytes: deltas.reduce((n, d) => n + d.bytes, 0),
    },
    lastCompaction: manifest.lastCompaction,
    store: pointer.store,
  };
}
