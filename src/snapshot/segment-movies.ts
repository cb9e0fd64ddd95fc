import type { SortedMovies } from '../engine/build/build-index.js';
import { liveMovies, mergeInput } from '../engine/build/live-movies.js';
import type { SegmentEntry } from '../engine/catalogue-index.js';
import { SegmentIndex } from '../engine/segment-index.js';
import type { SegmentRef } from './manifest.js';
import type { SnapshotRepository } from './repository.js';

/**
 * The live movies of the segments `refs` names (oldest first), read from the store, in catalogue
 * order and one at a time (engine/build/live-movies.ts): of each segment only what a merge reads is
 * kept (mergeInput), until the merged one is built; the movies are never all objects at once.
 */
export async function mergedMovies(
  repository: SnapshotRepository,
  refs: readonly SegmentRef[],
): Promise<{ movies: SortedMovies; deletes: string[] }> {
  const segments: SegmentEntry[] = [];
  for (const ref of refs) {
    const { index, meta } = await repository.loadSegment(ref);
    segments.push({ index: new SegmentIndex(mergeInput(index)), deletes: meta.deletes });
  }
  return liveMovies(segments);
}
