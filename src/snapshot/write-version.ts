import { idOfKey } from '../catalogue/id.js';
import { sortedMovies, type SortedMovies } from '../engine/build/build-index.js';
import type { Movie } from '../catalogue/movie.js';
import type { InboxLedger } from './inbox-ledger.js';
import { MANIFEST_FORMAT, type LastRun, type Manifest, type SegmentRef } from './manifest.js';
import type { SnapshotRepository } from './repository.js';
import { encodeStateBucket, STATE_BUCKETS, stateBucketOf, type StateEntry } from './state-bucket.js';
import { inParallel } from '../store/in-parallel.js';

/**
 * A whole catalogue as the writer takes it: a state bucket at a time and as movies in catalogue
 * order, so that neither has to be one array of objects (the seed's is kept compact, seed/seed-catalogue.ts).
 */
export interface CatalogueSource {
  /** Live movies. */
  readonly movies: number;
  /** State bucket `bucket` (stateBucketOf) as encodeStateBucket writes it, keys' entries listed as siblings; undefined when empty. */
  encodedBucket(bucket: number): Buffer | undefined;
  /** The live movies in catalogue order; read once, after every bucket. */
  sorted(): SortedMovies;
}

export interface WholeCatalogue {
  readonly sequence: number;
  /** Every entry, deleted ones included (their stamps keep older updates from resurrecting them). */
  readonly entries: readonly StateEntry[] | CatalogueSource;
  /** A base segment already holding exactly the live entries (a converted store's); built when absent. */
  readonly base?: SegmentRef;
  readonly ledger: InboxLedger;
  readonly lastRun: LastRun | null;
}

/**
 * Writes a whole catalogue as a version's objects (every state bucket and the base segment) and
 * returns its manifest, unpublished: the seed's first version and a store's conversion from an
 * older format. Ingestion runs write only what they change instead. Buckets are made one at a time
 * as they are written, and the base from the movies in catalogue order.
 */
export async function writeWholeCatalogue(repository: SnapshotRepository, catalogue: WholeCatalogue): Promise<Manifest> {
  const { sequence } = catalogue;
  const source = 'sorted' in catalogue.entries ? catalogue.entries : entriesSource(catalogue.entries);
  const buckets = Array.from({ length: STATE_BUCKETS }, (_, n) => n);
  const state = await inParallel(buckets, (n) => {
    const bytes = source.encodedBucket(n);
    return bytes === undefined ? Promise.resolve(null) : repository.writeStateBucket(sequence, n, bytes);
  });
  const base = catalogue.base ?? (await repository.writeSegment(source.sorted(), { kind: 'base', sequence, deletes: [] }));
  return {
    format: MANIFEST_FORMAT,
    sequence,
    previous: null,
    movies: source.movies,
    base,
    deltas: [],
    state,
    ledger: catalogue.ledger,
    lastRun: catalogue.lastRun,
    lastCompaction: null,
  };
}

/** Entries held in one array (a converted store's) as a CatalogueSource. */
function entriesSource(all: readonly StateEntry[]): CatalogueSource {
  const entries = withSiblings(all);
  const buckets: StateEntry[][] = Array.from({ length: STATE_BUCKETS }, () => []);
  for (const entry of entries) (buckets[stateBucketOf(entry.id)] as StateEntry[]).push(entry);
  const movies: Movie[] = [];
  for (const entry of entries) if (!entry.deleted) movies.push({ ...entry.values, id: entry.id });
  return {
    movies: movies.length,
    encodedBucket: (n) => ((buckets[n] as StateEntry[]).length === 0 ? undefined : encodeStateBucket(buckets[n] as StateEntry[])),
    sorted: () => sortedMovies(movies),
  };
}

/**
 * Entries sharing a merge key (the seed has a few) are found from the first one's id, the key's
 * hash: it lists the others as siblings, so a run touching the key reads all of them.
 */
function withSiblings(entries: readonly StateEntry[]): StateEntry[] {
  const byKey = new Map<string, StateEntry[]>();
  for (const entry of entries) {
    const list = byKey.get(entry.key);
    if (list) list.push(entry);
    else byKey.set(entry.key, [entry]);
  }
  const out: StateEntry[] = [];
  for (const [key, group] of byKey) {
    if (group.length === 1) {
      out.push(group[0] as StateEntry);
      continue;
    }
    const primary = idOfKey(key);
    const siblings = group.map((e) => e.id).filter((id) => id !== primary);
    for (const entry of group) out.push(entry.id === primary ? { ...entry, siblings: siblings.sort() } : entry);
  }
  return out;
}
