import { ByteLru } from '../cache/byte-lru.js';
import type { Movie } from '../catalogue/movie.js';
import { buildIndex } from './build-index.js';
import type { IndexData, Postings, TermTable } from './index-data.js';
import type { Position } from './movie-query.js';
import type { WordPlan } from './plan.js';
import { lookup, stringAt, tableSize } from './string-table.js';
import { trieReach } from './typo.js';

/** The word-plan cache's bound per version (two versions live side by side during a swap). */
const DEFAULT_WORD_CACHE_BYTES = 16 * 1024 * 1024;

export interface GenreCount {
  readonly genre: string;
  readonly count: number;
}

/**
 * One catalogue version, read through its arrays. Immutable: serving swaps whole indexes, so a
 * request always sees one version and no lock is needed. The same class reads an index just built
 * (buildIndex) and one wrapped over a segment's bytes (snapshot/segment-codec.ts).
 */
export class CatalogueIndex {
  private genreCountsMemo: readonly GenreCount[] | undefined;
  /**
   * The words of `q` this version has planned (typo lookup and postings), by word and whether it was
   * the last (prefix) word. A word's plan depends on the index alone, and the same words come back
   * keystroke after keystroke and user after user; the trie walk of a long word with two typos is
   * most of such a query's time. Bounded by bytes; gone with the version.
   */
  readonly wordPlans: ByteLru<WordPlan>;
  private wordReachMemo: Int32Array | undefined;

  constructor(
    readonly data: IndexData,
    options: { readonly wordCacheBytes?: number } = {},
  ) {
    this.wordPlans = new ByteLru(options.wordCacheBytes ?? DEFAULT_WORD_CACHE_BYTES);
  }

  /** Builds an index in this process: for tests, tools and the ingestion run. */
  static build(version: string, movies: readonly Movie[]): CatalogueIndex {
    return new CatalogueIndex(buildIndex(version, movies));
  }

  /** How deep the word trie goes below each node (typo.ts's trieReach), derived on the first `q` of this version. */
  get wordReach(): Int32Array {
    return (this.wordReachMemo ??= trieReach(this.data.words.trie));
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

  rankOf(id: string): number | undefined {
    const high = parseInt(id.slice(0, 8), 16);
    const low = parseInt(id.slice(8, 16), 16);
    const { byId, idHigh, idLow } = this.data;
    let lo = 0;
    let hi = byId.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const rank = byId[mid] as number;
      const d = (idHigh[rank] as number) - high || (idLow[rank] as number) - low;
      if (d === 0) return rank;
      if (d < 0) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }

  yearOf(rank: number): number {
    return this.data.years[rank] as number;
  }

  titleOf(rank: number): string {
    return stringAt(this.data.titles, rank);
  }

  normalisedTitleOf(rank: number): string {
    return stringAt(this.data.normalisedTitles, rank);
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
    let lo = start;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const title = this.titleOf(mid);
      const c = title !== position.title ? (title < position.title ? -1 : 1) : compareIds(this.idOf(mid), position.id);
      if (c <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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

  /** The term's id in a table, or -1. */
  termId(table: TermTable, term: string): number {
    return lookup(table.terms, term);
  }
}

export function postingsOf(postings: Postings, id: number): Int32Array {
  return postings.values.subarray(postings.offsets[id], postings.offsets[id + 1]);
}

export function postingsLength(postings: Postings, id: number): number {
  return (postings.offsets[id + 1] as number) - (postings.offsets[id] as number);
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
