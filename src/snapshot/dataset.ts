import type { Movie } from '../catalogue/movie.js';
import { CatalogueIndex } from '../engine/catalogue-index.js';
import type { LedgerEntry, Pointer, RunSummary, Snapshot } from './snapshot.js';

export interface HistoryEntry {
  readonly field: string;
  readonly old: unknown;
  readonly new: unknown;
  readonly object: string;
  readonly provider: string;
  readonly lastModified: string;
  readonly run: string;
}

export interface LastRun {
  readonly summary: RunSummary;
  /** The objects that run processed, with rejection reasons. */
  readonly objects: readonly LedgerEntry[];
}

/**
 * Everything a serving process answers from, for one version: the search index plus provenance.
 * Built whole and swapped whole.
 */
export interface Dataset {
  readonly index: CatalogueIndex;
  /** Absent when the data came straight from a seed file rather than a published snapshot. */
  readonly pointer?: Pointer;
  readonly lastRun?: LastRun;
  /** A movie's changes, newest first. */
  history(id: string): HistoryEntry[];
}

/**
 * What the servers read: the dataset being served, if any, and when it was loaded. Read-only on
 * purpose: swapping versions belongs to the serving lifecycle (live/), never to a request.
 */
export interface CatalogueReader {
  readonly dataset: Dataset | undefined;
  readonly loadedAt: Date | undefined;
}

export async function datasetFromSnapshot(pointer: Pointer, snapshot: Snapshot): Promise<Dataset> {
  const movies: Movie[] = [];
  for (const entry of snapshot.entries) if (!entry.deleted) movies.push({ ...entry.values, id: entry.id });
  const index = CatalogueIndex.build(pointer.version, movies);
  const auditById = new Map<string, number[]>();
  snapshot.audit.forEach((entry, i) => {
    const list = auditById.get(entry.id);
    if (list) list.push(i);
    else auditById.set(entry.id, [i]);
  });
  const summary = snapshot.runs[snapshot.runs.length - 1];
  const lastRun = summary && { summary, objects: snapshot.ledger.filter((entry) => entry.run === summary.id) };
  const history = (id: string): HistoryEntry[] =>
    (auditById.get(id) ?? [])
      .map((i) => {
        const entry = snapshot.audit[i] as Snapshot['audit'][number];
        const source = snapshot.ledger[entry.source] as LedgerEntry;
        return {
          field: entry.field,
          old: entry.old,
          new: entry.new,
          object: source.key,
          provider: source.provider,
          lastModified: new Date(source.lastModified).toISOString(),
          run: entry.run,
        };
      })
      .reverse();
  return lastRun ? { index, pointer, lastRun, history } : { index, pointer, history };
}
