import { buildIndex } from '../../src/engine/build/build-index.js';
import { liveMovies } from '../../src/engine/build/live-movies.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { SegmentIndex } from '../../src/engine/segment-index.js';

/**
 * The same version read as its base plus one delta: the deltas' live movies built into one segment,
 * with every id they delete and no later one of them holds again, as the merge policy merges deltas
 * among themselves (live-movies.ts). The answers are the version's, byte for byte (a version answers
 * as one segment of its live movies however they are split), and a cursor of either walks the
 * other; a request plans one delta instead of one per delta that can match it. The base is shared,
 * not copied; the folded delta costs a build of the deltas' movies (CPU in proportion to them, and
 * an index of their size in memory beside the deltas', which the version keeps).
 */
export function foldDeltas(catalogue: CatalogueIndex): CatalogueIndex {
  const [base, ...deltas] = catalogue.segments;
  if (base === undefined || deltas.length < 2) return catalogue;
  const { movies, deletes } = liveMovies(deltas);
  const folded = new SegmentIndex(buildIndex(`${catalogue.version}+folded`, movies));
  return CatalogueIndex.of(
    catalogue.version,
    [
      { index: base.index, deletes: base.deletes },
      { index: folded, deletes },
    ],
    catalogue.synonyms,
  );
}
