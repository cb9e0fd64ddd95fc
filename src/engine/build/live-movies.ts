import { MOVIE_ID_PATTERN } from '../../catalogue/id.js';
import { compareMovies, type Movie } from '../../catalogue/movie.js';
import { hasBit } from '../bits.js';
import type { IndexData } from '../index-data.js';
import { liveSegments, type LiveSegment, type SegmentEntry } from '../live-segments.js';
import type { Position } from '../search-request.js';
import type { MovieRow, SortedMovies } from './build-index.js';
import { SAMPLE_MOVIES } from './build-index.js';

/**
 * The movies segments hold together (oldest first), as one segment would hold them: for every id,
 * what the newest segment naming it says (its movie, or its deletion), by the rule the serving side
 * reads a version by (live-segments.ts). Each segment is already in catalogue order, so its live
 * movies are a k-way merge of the segments' ranks, read one at a time as their stored JSON: a
 * compaction builds the new segment from this without the catalogue as objects. The deletions are
 * returned too: merged into one delta they still shadow the same ids in the segments before.
 */
export function liveMovies(entries: readonly SegmentEntry[]): { movies: SortedMovies; deletes: string[] } {
  let segments: readonly LiveSegment[] | undefined = liveSegments(entries);
  let size = 0;
  for (const segment of segments) size += segment.index.size - segment.dead.length;
  const sample = sampleOf(segments, size);
  const deletes = deletesOf(segments);
  // Read once: the segments are let go as the last movie is read, so the new segment's bytes need not
  // share memory with the old ones' (a base is most of the process's memory at a million movies).
  function* rows(): Generator<MovieRow> {
    if (segments === undefined) throw new RangeError('the live movies of these segments were read already');
    const from = segments;
    segments = undefined;
    yield* mergedRows(from);
  }
  return { movies: { size, sample, rows }, deletes };
}

/** The arrays of an index a merge reads: ids (for what supersedes what), years and titles (catalogue order), the movies' JSON. */
const MERGE_READS: readonly (readonly string[])[] = [
  ['movies', 'bytes'],
  ['movies', 'offsets'],
  ['years'],
  ['idHigh'],
  ['idLow'],
  ['byId'],
  ['titles', 'bytes'],
  ['titles', 'offsets'],
];

/**
 * A segment's index as a merge input: the arrays it reads (MERGE_READS), every other array empty, so
 * that the rest can go before the build starts (a loaded segment's arrays are each their own buffer
 * and are kept as they are; a view into a larger buffer is copied, so as not to hold all of it). At a million
 * movies those are ~230 MB of a segment's ~700 MB: postings, dictionaries and the trie are not read
 * by a merge, and held whole they would share the process with the new index as it is built.
 */
export function mergeInput(data: IndexData): IndexData {
  const keep = new Set(MERGE_READS.map((path) => path.join('.')));
  const copy = (value: unknown, path: string): unknown => {
    if (ArrayBuffer.isView(value)) {
      const array = value as Uint8Array;
      if (!keep.has(path)) return new (array.constructor as new (n: number) => Uint8Array)(0);
      return array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : array.slice();
    }
    if (Array.isArray(value) || typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v, path === '' ? k : `${path}.${k}`)]));
  };
  return copy(data, '') as IndexData;
}

const isLive = (segment: LiveSegment, rank: number) => segment.deadBits === undefined || !hasBit(segment.deadBits, rank);

/** The next live rank of a segment from `rank` on, or its size. */
function nextLive(segment: LiveSegment, rank: number): number {
  let at = rank;
  while (at < segment.index.size && !isLive(segment, at)) at++;
  return at;
}

function* mergedRows(segments: readonly LiveSegment[]): Generator<MovieRow> {
  const ranks = segments.map((segment) => nextLive(segment, 0));
  // Each segment's next movie's place in catalogue order, read from its arrays, not its JSON.
  const heads: (Position | undefined)[] = segments.map((segment, s) => headOf(segment, ranks[s] as number));
  for (;;) {
    let first = -1;
    for (let s = 0; s < segments.length; s++) {
      const head = heads[s];
      if (head !== undefined && (first < 0 || compareMovies(head, heads[first] as Position) < 0)) first = s;
    }
    if (first < 0) return;
    const segment = segments[first] as LiveSegment;
    const rank = ranks[first] as number;
    const json = segment.index.movieBytes(rank);
    yield { movie: segment.index.movie(rank), json };
    ranks[first] = nextLive(segment, rank + 1);
    heads[first] = headOf(segment, ranks[first] as number);
  }
}

function headOf(segment: LiveSegment, rank: number): Position | undefined {
  return rank < segment.index.size ? segment.index.positionOf(rank) : undefined;
}

/** Live movies spread over the segments in proportion to their size, parsed, to size the build's buffers. */
function sampleOf(segments: readonly LiveSegment[], size: number): Movie[] {
  const sample: Movie[] = [];
  const step = Math.max(1, Math.floor(size / SAMPLE_MOVIES));
  for (const segment of segments) {
    for (let rank = 0; rank < segment.index.size; rank += step) {
      const live = nextLive(segment, rank);
      if (live < segment.index.size) sample.push(segment.index.movie(live));
    }
  }
  return sample;
}

/** The ids some segment deletes and no later one holds again, ascending (a later deletion of the same id counts once). */
function deletesOf(segments: readonly LiveSegment[]): string[] {
  const deletes = new Set<string>();
  segments.forEach(({ deletes: ids }, s) => {
    for (const id of ids) {
      const heldLater =
        MOVIE_ID_PATTERN.test(id) &&
        segments
          .slice(s + 1)
          .some((later) => later.index.rankOfIdParts(parseInt(id.slice(0, 8), 16), parseInt(id.slice(8, 16), 16)) !== undefined);
      if (!heldLater) deletes.add(id);
    }
  });
  return [...deletes].sort();
}
