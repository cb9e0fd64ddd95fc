import { MOVIE_ID_PATTERN } from '../catalogue/id.js';
import type { Movie } from '../catalogue/movie.js';
import type { CollectionStatistics } from './bm25.js';
import { buildIndex } from './build/build-index.js';
import { segmentStatistics } from './extract-tier.js';
import { postingsLength, type IndexData } from './index-data.js';
import { WORD_CACHE_BYTES } from './limits.js';
import type { Position } from './search-request.js';
import { findSorted, partitionPoint } from './sorted.js';
import { stringAt, tableSize } from './string-table.js';
import { WordPlanner } from './word-plan.js';

export interface GenreCount {
  readonly genre: string;
  readonly count: number;
}

/**
 * One segment of a catalogue version, read through its arrays: the base, or a delta holding the
 * movies one ingestion run added or changed. Immutable, and shared by every version that lists it
 * (a serving process keeps its base loaded across versions), so nothing here depends on the other
 * segments: CatalogueIndex (catalogue-index.ts) composes them. The same class reads an index just
 * built (buildIndex) and one wrapped over a segment's bytes (snapshot/segment-codec.ts).
 */
export class SegmentIndex {
  private genreCountsMemo: readonly GenreCount[] | undefined;
  /** The words of `q` this version has planned, kept for the next queries of the version. */
  readonly wordPlanner: WordPlanner;
  /**
   * What the extract tier's BM25 scores read about the whole collection (bm25.ts): this segment's
   * own figures unless the caller passes others. A version of several segments passes its own to
   * each search instead (CatalogueIndex.extractStatistics), since a segment is shared by versions.
   */
  readonly extractStatistics: CollectionStatistics;

  constructor(
    readonly data: IndexData,
    options: { readonly wordCacheBytes?: number; readonly extractStatistics?: CollectionStatistics } = {},
  ) {
    this.wordPlanner = new WordPlanner(data, options.wordCacheBytes ?? WORD_CACHE_BYTES);
    this.extractStatistics = options.extractStatistics ?? segmentStatistics(data.extract);
  }

  /** Builds a segment in this process: for tests, tools and the ingestion run. */
  static build(version: string, movies: readonly Movie[]): SegmentIndex {
    return new SegmentIndex(buildIndex(version, movies));
  }

  get version(): string {
    return this.data.version;
  }

  get size(): number {
    return this.data.size;
  }

  /** A movie's JSON as served: a view of the index's buffer, not a copy. */
  movieBytes(rank: number): Uint8Array {
    const { bytes, offsets } = this.data.movies;
    return bytes.subarray(offsets[rank], offsets[rank + 1]);
  }

  movieJson(rank: number): string {
    return stringAt(this.data.movies, rank);
  }

  /** The movie itself, parsed: for tests and tools, not the request path. */
  movie(rank: number): Movie {
    return JSON.parse(this.movieJson(rank)) as Movie;
  }

  idOf(rank: number): string {
    return hex8(this.data.idHigh[rank] as number) + hex8(this.data.idLow[rank] as number);
  }

  /** The movie with this id, or undefined; a string that is not an id has none (parseInt alone would read `ABC…` or `…x` as one). */
  rankOf(id: string): number | undefined {
    if (!MOVIE_ID_PATTERN.test(id)) return undefined;
    return this.rankOfIdParts(parseInt(id.slice(0, 8), 16), parseInt(id.slice(8, 16), 16));
  }

  /** The movie whose id has these two 32-bit halves (IndexData.idHigh, idLow), or undefined. */
  rankOfIdParts(high: number, low: number): number | undefined {
    const { byId, idHigh, idLow } = this.data;
    const at = findSorted(0, byId.length, (i) => {
      const rank = byId[i] as number;
      return (idHigh[rank] as number) - high || (idLow[rank] as number) - low;
    });
    return at < 0 ? undefined : (byId[at] as number);
  }

  yearOf(rank: number): number {
    return this.data.years[rank] as number;
  }

  titleOf(rank: number): string {
    return stringAt(this.data.titles, rank);
  }

  positionOf(rank: number): Position {
    return { year: this.yearOf(rank), title: this.titleOf(rank), id: this.idOf(rank) };
  }

  /** Ranks [start, end) of the years from `from` to `to` (inclusive, either open), a contiguous run as years descend. */
  yearSpan(from = -Infinity, to = Infinity): readonly [number, number] {
    const { yearValues, yearStarts } = this.data;
    // yearValues descend: the span runs from the first year <= to through the last year >= from.
    let first = 0;
    while (first < yearValues.length && (yearValues[first] as number) > to) first++;
    let last = first;
    while (last < yearValues.length && (yearValues[last] as number) >= from) last++;
    return first >= last ? [0, 0] : [yearStarts[first] as number, yearStarts[last] as number];
  }

  /**
   * The first rank strictly after a keyset position in catalogue order (year descending, title by
   * UTF-16 units, id); the position need not name an existing movie.
   */
  rankAfter(position: Position): number {
    const [start, end] = this.yearSpan(position.year, position.year);
    if (start === end) {
      // No movie of that year: every movie of a later year comes before it.
      const [laterStart, laterEnd] = this.yearSpan(position.year + 1, Infinity);
      return laterStart === laterEnd ? 0 : laterEnd;
    }
    // Within a year, ranks are in title then id order: the first one after the position.
    return partitionPoint(start, end, (rank) => {
      const title = this.titleOf(rank);
      return title !== position.title ? title < position.title : this.idOf(rank) <= position.id;
    });
  }

  /** Every genre and its number of movies, most first, then by name. */
  get genreCounts(): readonly GenreCount[] {
    if (this.genreCountsMemo === undefined) {
      const { genres, genreNames } = this.data;
      const counts: GenreCount[] = [];
      for (let id = 0; id < tableSize(genres.terms); id++)
        counts.push({ genre: stringAt(genreNames, id), count: postingsLength(genres.postings, id) });
      counts.sort((a, b) => b.count - a.count || (a.genre < b.genre ? -1 : a.genre > b.genre ? 1 : 0));
      this.genreCountsMemo = counts;
    }
    return this.genreCountsMemo;
  }
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
