import type { Movie } from '../catalogue/movie.js';
import type { IndexData } from '../engine/index-data.js';
import { stringAt } from '../engine/string-table.js';

/** A segment's index and the ids it deletes from the segments before it. */
export interface SegmentContent {
  readonly data: IndexData;
  readonly deletes: readonly string[];
}

/**
 * The movies segments hold together, oldest first, as one segment would hold them: for every id,
 * what the newest segment naming it says (its movie, or its deletion). The deletions are returned
 * too: merged into one delta they still shadow the same ids in the segments before.
 */
export function newestOf(segments: readonly SegmentContent[]): { movies: Movie[]; deletes: string[] } {
  const newest = new Map<string, string | null>();
  for (let s = segments.length - 1; s >= 0; s--) {
    const { data, deletes } = segments[s] as SegmentContent;
    for (const id of deletes) if (!newest.has(id)) newest.set(id, null);
    for (let rank = 0; rank < data.size; rank++) {
      const id = hex8(data.idHigh[rank] as number) + hex8(data.idLow[rank] as number);
      if (!newest.has(id)) newest.set(id, stringAt(data.movies, rank));
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

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
