import type { Ragged } from './index-data.js';
import type { LiveSegment } from './live-segments.js';
import { MAX_GRAM } from './limits.js';
import type { TitleTerms } from './plan.js';
import type { MovieQuery } from './search-request.js';
import { partitionPoint } from './sorted.js';
import { stringAt } from './string-table.js';

/**
 * Every filter term the movies a version's filter memo (delta-matches.ts) looks at hold: each delta's movies and the
 * base's superseded ones, their cast names, genres, title n-grams (every slice of 1 to MAX_GRAM code units of the
 * normalised title, as the index's gram table) and years. A request with one filter none of them holds can match
 * none of them, so the base answers alone and unchecked, exactly what the memo would say, without the memo's read
 * (its hash, its slot, the comparison of the filters): most requests over one small delta are such requests.
 */
export class DeltaTerms {
  private constructor(
    private readonly cast: ReadonlySet<string>,
    private readonly genres: ReadonlySet<string>,
    private readonly grams: ReadonlySet<string>,
    /** Distinct years, ascending. */
    private readonly years: Int32Array,
  ) {}

  /** Every delta's movies (its superseded ones too: more terms only send more requests to the memo), the base's superseded ones. */
  static of(segments: readonly LiveSegment[]): DeltaTerms {
    const cast = new Set<string>();
    const genres = new Set<string>();
    const grams = new Set<string>();
    const years = new Set<number>();
    const add = (segment: LiveSegment, rank: number): void => {
      const { data } = segment.index;
      for (const id of termIds(data.movieCast, rank)) cast.add(stringAt(data.cast.terms, id));
      for (const id of termIds(data.movieGenres, rank)) genres.add(stringAt(data.genres.terms, id));
      const title = stringAt(data.normalisedTitles, rank);
      for (let n = 1; n <= MAX_GRAM; n++) for (let at = 0; at + n <= title.length; at++) grams.add(title.slice(at, at + n));
      years.add(data.years[rank] as number);
    };
    const [base, ...deltas] = segments;
    if (base !== undefined) for (const rank of base.dead) add(base, rank);
    for (const delta of deltas) for (let rank = 0; rank < delta.index.size; rank++) add(delta, rank);
    return new DeltaTerms(cast, genres, grams, Int32Array.from(years).sort());
  }

  /** Whether one of the query's filters is held by none of the movies: then none of them passes the filters. */
  excludes(query: MovieQuery, title: TitleTerms | undefined): boolean {
    for (let i = 0; i < query.cast.length; i++) if (!this.cast.has(query.cast[i] as string)) return true;
    if (query.year !== undefined || query.yearFrom !== undefined || query.yearTo !== undefined) {
      const from = Math.max(query.year ?? -Infinity, query.yearFrom ?? -Infinity);
      const to = Math.min(query.year ?? Infinity, query.yearTo ?? Infinity);
      const { years } = this;
      const first = partitionPoint(0, years.length, (i) => (years[i] as number) < from);
      if (first === years.length || (years[first] as number) > to) return true;
    }
    if (title !== undefined) for (let i = 0; i < title.grams.length; i++) if (!this.grams.has(title.grams[i] as string)) return true;
    for (let i = 0; i < query.genres.length; i++) if (!this.genres.has(query.genres[i] as string)) return true;
    return false;
  }
}

function termIds(ragged: Ragged<Uint32Array>, rank: number): Uint32Array {
  return ragged.values.subarray(ragged.offsets[rank], ragged.offsets[rank + 1]);
}
