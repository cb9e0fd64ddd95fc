import type { CollectionStatistics } from './bm25.js';
import { postingsOf } from './index-data.js';
import type { LiveSegment } from './live-segments.js';
import { partitionPoint } from './sorted.js';
import { lookup } from './string-table.js';

/**
 * The extract tier's BM25 statistics over a version's live movies (bm25.ts): each segment's figures
 * less its superseded movies', so that a movie scores as it would in one segment built from the
 * live movies, wherever it is stored, and the segments' pages merge by score. The superseded
 * movies are few (the deltas' size), so taking them out costs a lookup each, never a pass over the
 * catalogue; a term's document frequency is worked out when a query asks for it.
 */
export function catalogueStatistics(segments: readonly LiveSegment[]): CollectionStatistics {
  let documents = 0;
  let totalLength = 0;
  for (const { index, dead } of segments) {
    const { extract } = index.data;
    documents += extract.documents;
    totalLength += extract.totalLength;
    for (const rank of dead) {
      // A movie is a document when its extract has an indexed word (build/extract-postings.ts).
      const length = extract.lengths[rank] as number;
      if (length > 0) {
        documents--;
        totalLength -= length;
      }
    }
  }
  return {
    documents,
    averageLength: documents === 0 ? 0 : totalLength / documents,
    documentFrequency: (term) => {
      let n = 0;
      for (const { index, dead } of segments) {
        const { extract } = index.data;
        const id = lookup(extract.terms, term);
        if (id < 0) continue;
        const postings = postingsOf(extract.postings, id);
        n += postings.length - (dead.length > 0 ? deadIn(postings, dead) : 0);
      }
      return n;
    },
  };
}

/** How many of the ascending `dead` ranks the ascending `postings` hold. */
function deadIn(postings: Int32Array, dead: Int32Array): number {
  let n = 0;
  let at = 0;
  for (const rank of dead) {
    at = partitionPoint(at, postings.length, (i) => (postings[i] as number) < rank);
    if (postings[at] === rank) n++;
  }
  return n;
}
