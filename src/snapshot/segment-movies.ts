import type { Movie } from '../catalogue/movie.js';
import type { SegmentEntry } from '../engine/catalogue-index.js';
import { SegmentIndex } from '../engine/segment-index.js';
import type { SegmentRef } from './manifest.js';
import type { SnapshotRepository } from './repository.js';

/** The movies of the segments `refs` names (oldest first), read from the store, as newestOf merges them. */
export async function mergedMovies(
  repository: SnapshotRepository,
  refs: readonly SegmentRef[],
): Promise<{ movies: Movie[]; deletes: string[] }> {
  const segments: SegmentEntry[] = [];
  for (const ref of refs) {
    const { index, meta } = await repository.loadSegment(ref);
    segments.push({ index: new SegmentIndex(index), deletes: meta.deletes });
  }
  return newestOf(segments);
}

/**
 * The movies segments hold together, oldest first, as one segment would hold them: for every id,
 * what the newest segment naming it says (its movie, or its deletion). The deletions are returned
 * too: merged into one delta they still shadow the same ids in the segments before.
 */
export function newestOf(segments: readonly SegmentEntry[]): { movies: Movie[]; deletes: string[] } {
  const newest = new Map<string, string | null>();
  for (let s = segments.length - 1; s >= 0; s--) {
    const { index, deletes } = segments[s] as SegmentEntry;
    for (const id of deletes) if (!newest.has(id)) newest.set(id, null);
    for (let rank = 0; rank < index.size; rank++) {
      const id = index.idOf(rank);
      if (!newest.has(id)) newest.set(id, index.movieJson(rank));
    }
  }
  const movies: Movie[] = [];
  const deletes: string[] = [];
  for (const [id, json] of newest) {
    if (json === null) deletes.push(id);
    else movies.push(JSON.parse(json) as Movie);
  }
  deletes.sort();
  return { movies, deletes };
}
