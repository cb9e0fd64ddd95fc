import type { Movie } from '../catalogue/movie.js';
import { CatalogueIndex } from '../engine/catalogue-index.js';
import { SegmentIndex } from '../engine/segment-index.js';
import { auditRecord, bucketOf, historyOf, type AuditRecord, type HistoryEntry } from './audit.js';
import type { Dataset } from './catalogue-reader.js';
import type { SnapshotRepository } from './repository.js';
import type { Pointer } from './snapshot.js';

/** Audit buckets kept per dataset: a few recent ones answer a reader browsing around one movie. */
const BUCKETS_KEPT = 8;

/**
 * The dataset a pointer names. Format 2: the segment's bytes wrapped as the index (no movie is
 * parsed, no index built), history read per bucket on demand. Format 1 (before segments): the
 * snapshot is decoded and indexed in this process, the slow way, until the next ingestion run
 * publishes a segment.
 */
export async function loadDataset(repository: SnapshotRepository, pointer: Pointer): Promise<Dataset> {
  if (pointer.format === 'cinedex-pointer/2') {
    const { index, meta } = await repository.loadSegment(pointer);
    const buckets = new Map<string, Promise<AuditRecord[]>>();
    const history = async (id: string): Promise<HistoryEntry[]> => {
      const key = meta.auditBuckets[bucketOf(id)];
      if (!key) return [];
      let records = buckets.get(key);
      if (records === undefined) {
        records = repository.readAuditBucket(key);
        // A failed read is not kept: the next request tries the store again.
        records.catch(() => buckets.delete(key));
        buckets.set(key, records);
        if (buckets.size > BUCKETS_KEPT) buckets.delete(buckets.keys().next().value as string);
      }
      return historyOf(await records, id);
    };
    const dataset = { index: CatalogueIndex.of(pointer.version, [{ index: new SegmentIndex(index), deletes: [] }]), pointer, history };
    return meta.lastRun ? { ...dataset, lastRun: meta.lastRun } : dataset;
  }
  const snapshot = await repository.loadState(pointer);
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
