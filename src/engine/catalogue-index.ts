import { compareMovies, movieJson, type Movie } from '../catalogue/movie.js';
import { normaliseText } from '../catalogue/normalise.js';
import { freeze, type PostingList } from './postings.js';
import type { Position } from './movie-query.js';

/** Title n-grams of these lengths are indexed: 1 and 2 serve short queries exactly, 3 serves the rest. */
export const MAX_GRAM = 3;

export interface GenreCount {
  readonly genre: string;
  readonly count: number;
}

/**
 * An immutable, fully built index over one catalogue version. Serving swaps whole indexes, so a
 * request always sees one consistent version and no lock is needed.
 */
export class CatalogueIndex {
  /** Movies in catalogue order; a movie's position here is its rank. */
  readonly movies: readonly Movie[];
  /** Each movie's JSON, serialised once at build so a page is assembled from ready strings. */
  readonly json: readonly string[];
  /** Normalised titles by rank, for substring verification. */
  readonly titles: readonly string[];
  readonly genreCounts: readonly GenreCount[];

  private constructor(
    readonly version: string,
    movies: Movie[],
    json: string[],
    titles: string[],
    private readonly yearRanges: ReadonlyMap<number, readonly [number, number]>,
    private readonly castPostings: ReadonlyMap<string, PostingList>,
    private readonly genrePostings: ReadonlyMap<string, PostingList>,
    private readonly gramPostings: ReadonlyMap<string, PostingList>,
    private readonly rankById: ReadonlyMap<string, number>,
    genreCounts: GenreCount[],
  ) {
    this.movies = movies;
    this.json = json;
    this.titles = titles;
    this.genreCounts = genreCounts;
  }

  /** Builds in one go; for start-up, before the process is ready. */
  static build(version: string, input: readonly Movie[]): CatalogueIndex {
    const steps = CatalogueIndex.buildSteps(version, input);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * Builds in slices of about `sliceMs`, yielding to the event loop between them, so a process
   * that is serving keeps answering promptly while the next version is indexed beside it.
   */
  static async buildInSlices(version: string, input: readonly Movie[], sliceMs = 4): Promise<CatalogueIndex> {
    const steps = CatalogueIndex.buildSteps(version, input);
    for (;;) {
      const deadline = performance.now() + sliceMs;
      let step = steps.next();
      while (!step.done && performance.now() < deadline) step = steps.next();
      if (step.done) return step.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The build as a generator that yields every few hundred movies: one code path for both modes. */
  private static *buildSteps(version: string, input: readonly Movie[]): Generator<void, CatalogueIndex> {
    // Snapshots store movies already in catalogue order, where this sort is a linear check.
    const movies = [...input].sort(compareMovies);
    yield;
    const yearRanges = new Map<number, [number, number]>();
    const cast = new Map<string, number[]>();
    const genres = new Map<string, number[]>();
    const grams = new Map<string, number[]>();
    const rankById = new Map<string, number>();
    const genreSpellings = new Map<string, Map<string, number>>();
    const json: string[] = new Array<string>(movies.length);
    const titles: string[] = new Array<string>(movies.length);

    for (let rank = 0; rank < movies.length; rank++) {
      const movie = movies[rank] as Movie;
      rankById.set(movie.id, rank);
      json[rank] = movieJson(movie);
      const title = normaliseText(movie.title);
      titles[rank] = title;
      const range = yearRanges.get(movie.year);
      if (range) range[1] = rank + 1;
      else yearRanges.set(movie.year, [rank, rank + 1]);
      for (const name of movie.cast) addTerm(cast, normaliseText(name), rank);
      const genreKeys = movie.genres.map(normaliseText);
      for (const key of genreKeys) addTerm(genres, key, rank);
      genreKeys.forEach((key, i) => {
        const spellings = genreSpellings.get(key) ?? new Map<string, number>();
        const spelling = movie.genres[i] as string;
        spellings.set(spelling, (spellings.get(spelling) ?? 0) + 1);
        genreSpellings.set(key, spellings);
      });
      for (let n = 1; n <= MAX_GRAM; n++) {
        for (let i = 0; i + n <= title.length; i++) addTerm(grams, title.slice(i, i + n), rank);
      }
      if (rank % 256 === 255) yield;
    }

    const genrePostings = yield* freeze(genres);
    const castPostings = yield* freeze(cast);
    const gramPostings = yield* freeze(grams);
    const genreCounts = [...genrePostings].map(([key, ranks]) => ({
      genre: mostCommon(genreSpellings.get(key) as Map<string, number>),
      count: ranks.length,
    }));
    genreCounts.sort((a, b) => b.count - a.count || (a.genre < b.genre ? -1 : a.genre > b.genre ? 1 : 0));
    return new CatalogueIndex(version, movies, json, titles, yearRanges, castPostings, genrePostings, gramPostings, rankById, genreCounts);
  }

  get size(): number {
    return this.movies.length;
  }

  rankOf(id: string): number | undefined {
    return this.rankById.get(id);
  }

  /** Ranks [start, end) of a year, or an empty range. */
  yearRange(year: number): readonly [number, number] {
    return this.yearRanges.get(year) ?? [0, 0];
  }

  cast(name: string): PostingList | undefined {
    return this.castPostings.get(name);
  }

  genre(name: string): PostingList | undefined {
    return this.genrePostings.get(name);
  }

  gram(gram: string): PostingList | undefined {
    return this.gramPostings.get(gram);
  }

  /** The first rank strictly after a keyset position; positions need not name an existing movie. */
  rankAfter(position: Position): number {
    let lo = 0;
    let hi = this.movies.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareMovies(this.movies[mid] as Movie, position) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  positionOf(rank: number): Position {
    const movie = this.movies[rank] as Movie;
    return { year: movie.year, title: movie.title, id: movie.id };
  }
}

/**
 * Adds `rank` to a term's posting list once. Ranks arrive in increasing order, so a term seen twice
 * for one movie (a repeated gram, two spellings of one name) is the list's last entry: no set needed,
 * which matters when a million titles each yield dozens of grams.
 */
function addTerm(postings: Map<string, number[]>, term: string, rank: number): void {
  const list = postings.get(term);
  if (list === undefined) postings.set(term, [rank]);
  else if (list[list.length - 1] !== rank) list.push(rank);
}

function mostCommon(counts: Map<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
