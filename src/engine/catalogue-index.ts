import type { Movie } from '../catalogue/movie.js';
import type { CollectionStatistics } from './bm25.js';
import { hasBit } from './bits.js';
import { catalogueStatistics } from './catalogue-statistics.js';
import { DeltaMatchMemo } from './delta-matches.js';
import { DeltaTerms } from './delta-terms.js';
import { DeltaWordMemo } from './delta-words.js';
import { liveSegments, type LiveSegment, type SegmentEntry } from './live-segments.js';
import { MergedCounts } from './merged-counts.js';
import type { Position } from './search-request.js';
import { SegmentIndex, type GenreCount } from './segment-index.js';
import { SegmentMasks } from './segment-mask.js';
import { Synonyms } from './synonyms.js';

export type { GenreCount } from './segment-index.js';
export type { SegmentEntry } from './live-segments.js';

/**
 * One catalogue version: a base segment and the deltas published after it, read as one catalogue.
 * A movie id in a later segment (a movie, or one of its deletes) supersedes the same id in every
 * earlier one; what the rest of the code reads (ranks, counts, pages) is the live movies only, as if
 * one segment had been built from them. Ranks that leave the engine are the version's: a segment's
 * docBase plus the movie's rank in it. Immutable: serving swaps whole versions, so a request always
 * sees one version and no lock is needed.
 */
export class CatalogueIndex {
  /** The only segment, when the version is one segment with nothing superseded: searches take its path unchanged. */
  readonly single: SegmentIndex | undefined;
  /** Live movies. */
  readonly size: number;
  private countsMemo: MergedCounts | undefined;
  private statisticsMemo: CollectionStatistics | undefined;
  private masksMemo: SegmentMasks | undefined;
  private deltaMatchesMemo: DeltaMatchMemo | undefined;
  private deltaWordsMemo: DeltaWordMemo | undefined;
  private deltaTermsMemo: DeltaTerms | undefined;

  private constructor(
    readonly version: string,
    readonly segments: readonly LiveSegment[],
    /** The operator's synonyms this version was published with (synonyms.ts). */
    readonly synonyms: Synonyms,
  ) {
    const only = segments.length === 1 ? segments[0] : undefined;
    this.single = only !== undefined && only.dead.length === 0 ? only.index : undefined;
    this.size = segments.reduce((n, s) => n + s.index.size - s.dead.length, 0);
  }

  /**
   * The version made of `segments`, base first, deltas oldest first. The segments are shared, not
   * copied: a serving process keeps its base loaded across versions, and only which movies are
   * superseded is worked out again (live-segments.ts), in proportion to the deltas.
   */
  static of(version: string, segments: readonly SegmentEntry[], synonyms = Synonyms.NONE): CatalogueIndex {
    if (segments.length === 0) throw new RangeError('a catalogue version has at least its base segment');
    return new CatalogueIndex(version, liveSegments(segments), synonyms);
  }

  /** A version of one segment built in this process: for tests and tools. */
  static build(version: string, movies: readonly Movie[], synonyms = Synonyms.NONE): CatalogueIndex {
    return CatalogueIndex.of(version, [{ index: SegmentIndex.build(version, movies), deletes: [] }], synonyms);
  }

  /** Facet counts and display names over every segment, worked out once per version as they are asked for. */
  get counts(): MergedCounts {
    this.countsMemo ??= new MergedCounts(this.segments);
    return this.countsMemo;
  }

  /** Which deltas a query's filters and words can match (segment-mask.ts), its maps built once per version as they are asked for. */
  get masks(): SegmentMasks {
    this.masksMemo ??= new SegmentMasks(this.segments, this.synonyms);
    return this.masksMemo;
  }

  /** What the deltas hold of each set of filters asked for (delta-matches.ts), remembered per version as they are asked for. */
  get deltaMatches(): DeltaMatchMemo {
    this.deltaMatchesMemo ??= new DeltaMatchMemo(this.segments);
    return this.deltaMatchesMemo;
  }

  /** The filter terms the deltas' movies and the base's superseded ones hold (delta-terms.ts), found on first use. */
  get deltaTerms(): DeltaTerms {
    this.deltaTermsMemo ??= DeltaTerms.of(this.segments);
    return this.deltaTermsMemo;
  }

  /** What the deltas hold of each `q` asked alone (delta-words.ts), remembered per version as they are asked for. */
  get deltaWords(): DeltaWordMemo {
    this.deltaWordsMemo ??= new DeltaWordMemo(this.segments);
    return this.deltaWordsMemo;
  }

  /**
   * The extract tier's BM25 statistics over the live movies of every segment (catalogue-statistics.ts),
   * passed to each segment's plan: a segment is shared by versions, so its own figures cannot be these.
   */
  get extractStatistics(): CollectionStatistics {
    this.statisticsMemo ??= this.single?.extractStatistics ?? catalogueStatistics(this.segments);
    return this.statisticsMemo;
  }

  /** The segment holding a version rank. */
  segmentOf(rank: number): LiveSegment {
    const { segments } = this;
    let s = segments.length - 1;
    while (s > 0 && (segments[s] as LiveSegment).docBase > rank) s--;
    return segments[s] as LiveSegment;
  }

  /** A movie's JSON as served: a view of its segment's buffer, not a copy. */
  movieBytes(rank: number): Uint8Array {
    const s = this.segmentOf(rank);
    return s.index.movieBytes(rank - s.docBase);
  }

  movieJson(rank: number): string {
    const s = this.segmentOf(rank);
    return s.index.movieJson(rank - s.docBase);
  }

  /** The movie itself, parsed: for tests and tools, not the request path. */
  movie(rank: number): Movie {
    const s = this.segmentOf(rank);
    return s.index.movie(rank - s.docBase);
  }

  idOf(rank: number): string {
    const s = this.segmentOf(rank);
    return s.index.idOf(rank - s.docBase);
  }

  /** The live movie with this id, or undefined: the newest segment that has the id decides. */
  rankOf(id: string): number | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i] as LiveSegment;
      const rank = s.index.rankOf(id);
      if (rank === undefined) continue;
      return s.deadBits !== undefined && hasBit(s.deadBits, rank) ? undefined : s.docBase + rank;
    }
    return undefined;
  }

  yearOf(rank: number): number {
    const s = this.segmentOf(rank);
    return s.index.yearOf(rank - s.docBase);
  }

  titleOf(rank: number): string {
    const s = this.segmentOf(rank);
    return s.index.titleOf(rank - s.docBase);
  }

  positionOf(rank: number): Position {
    const s = this.segmentOf(rank);
    return s.index.positionOf(rank - s.docBase);
  }

  /** Every genre and its number of live movies, most first, then by name. */
  get genreCounts(): readonly GenreCount[] {
    return this.single?.genreCounts ?? this.counts.genreCounts();
  }
}
