/**
 * The provider files the soak drops into the inbox, and what the served catalogue must say once they
 * are all in. Pure and deterministic: file n is the same bytes on every run given the same pool, so
 * two runs (today's code, the warmed swaps later) ingest the same data.
 *
 * The pool is movies the query mix's answers contained before the soak began, so the partial updates
 * (a cast member or a genre added) and the deletions change answers the load is asking for. New movies
 * get recent years, which put them at the top of the catalogue order, so broad queries such as
 * `genre=Drama` change as well.
 */
import type { Movie } from '../../src/catalogue/movie.js';
import { prng } from '../lib/random.js';

/** A movie as /v1/movies served it before any update (the fields the soak uses). */
export type MovieFacts = Pick<Movie, 'id' | 'title' | 'year' | 'cast' | 'genres'>;

/** One record of an update file: the key fields, then only what the provider states. */
export interface UpdateRecord {
  readonly title: string;
  readonly year: number;
  readonly cast?: readonly string[];
  readonly genres?: readonly string[];
  readonly deleted?: true;
}

export interface UpdateFile {
  /** Zero-padded, so the object keys sort in the order the files were dropped. */
  readonly name: string;
  readonly records: readonly UpdateRecord[];
}

export interface UpdateShape {
  /** Partial updates of existing movies per file. */
  readonly updates: number;
  readonly newMovies: number;
  /** Every this many files, one deletion. */
  readonly deleteEvery: number;
}

export const DEFAULT_SHAPE: UpdateShape = { updates: 30, newMovies: 3, deleteEvery: 4 };

/** One deletion candidate in this many pool movies; the rest are updated. Disjoint, so a deleted movie is never updated after. */
const DELETION_SHARE = 16;
const FIRST_NEW_YEAR = 2019;
const ADJECTIVES = ['Quiet', 'Crimson', 'Last', 'Hidden', 'Electric', 'Northern', 'Silver', 'Broken'];
const NOUNS = ['Harbour', 'Summer', 'Signal', 'Orchard', 'Frontier', 'Letter', 'Garden', 'Engine'];

/** FNV-1a of a string: splits the pool the same way whatever order it came in. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export function movieKey(movie: { readonly title: string; readonly year: number }): string {
  return `${movie.year}\u0000${movie.title}`;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** One item of `from` that `present` lacks, or undefined after a few tries (a movie that already has most of them). */
function pickAbsent(from: readonly string[], present: readonly string[], random: () => number): string | undefined {
  for (let tries = 0; tries < 8 && from.length > 0; tries++) {
    const item = pick(from, random);
    if (!present.includes(item)) return item;
  }
  return undefined;
}

export class UpdatePlan {
  private readonly updatable: readonly MovieFacts[];
  private readonly deletable: readonly MovieFacts[];
  private readonly actors: readonly string[];
  private readonly genres: readonly string[];

  constructor(
    pool: readonly MovieFacts[],
    readonly shape: UpdateShape = DEFAULT_SHAPE,
  ) {
    const byKey = new Map<string, MovieFacts>();
    for (const movie of pool) byKey.set(movieKey(movie), movie);
    // Sorted by key so that the order answers arrived in (concurrent fetches) does not matter.
    const sorted = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, movie]) => movie);
    const deletable = sorted.filter((movie) => fnv1a(movieKey(movie)) % DELETION_SHARE === 0);
    this.updatable = sorted.filter((movie) => fnv1a(movieKey(movie)) % DELETION_SHARE !== 0);
    const random = prng(0x50a4);
    for (let i = deletable.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deletable[i], deletable[j]] = [deletable[j] as MovieFacts, deletable[i] as MovieFacts];
    }
    this.deletable = deletable;
    this.actors = [...new Set(sorted.flatMap((movie) => movie.cast))].sort();
    const genres = [...new Set(sorted.flatMap((movie) => movie.genres))].sort();
    this.genres = genres.length > 0 ? genres : ['Drama'];
  }

  /** File n (from 1): `updates` partial updates, `newMovies` new movies, and every `deleteEvery`th file one deletion. */
  file(n: number): UpdateFile {
    const random = prng(Math.imul(n, 0x9e3779b1) ^ 0x5eed);
    const records: UpdateRecord[] = [];
    const chosen = new Set<number>();
    const wanted = Math.min(this.shape.updates, this.updatable.length);
    while (chosen.size < wanted) chosen.add(Math.floor(random() * this.updatable.length));
    for (const at of [...chosen].sort((a, b) => a - b)) {
      const movie = this.updatable[at] as MovieFacts;
      const actor = random() < 0.5 ? pickAbsent(this.actors, movie.cast, random) : undefined;
      const genre = actor === undefined ? pickAbsent(this.genres, movie.genres, random) : undefined;
      if (actor !== undefined) records.push({ title: movie.title, year: movie.year, cast: [...movie.cast, actor] });
      else if (genre !== undefined) records.push({ title: movie.title, year: movie.year, genres: [...movie.genres, genre] });
    }
    for (let j = 1; j <= this.shape.newMovies; j++) {
      const title = `The ${pick(ADJECTIVES, random)} ${pick(NOUNS, random)} ${n}-${j}`;
      const cast = this.actors.length > 0 ? [...new Set([pick(this.actors, random), pick(this.actors, random)])] : [];
      records.push({ title, year: FIRST_NEW_YEAR + Math.floor(random() * 5), cast, genres: [pick(this.genres, random)] });
    }
    const deletion = n % this.shape.deleteEvery === 0 ? this.deletable[n / this.shape.deleteEvery - 1] : undefined;
    if (deletion !== undefined) records.push({ title: deletion.title, year: deletion.year, deleted: true });
    return { name: `update-${String(n).padStart(5, '0')}.json`, records };
  }
}

/** What the catalogue must serve for a movie the files touched. */
export interface ExpectedMovie {
  /** Known for movies of the pool; a new movie's id is the server's to make. */
  readonly id?: string;
  readonly title: string;
  readonly year: number;
  readonly cast: readonly string[];
  readonly genres: readonly string[];
  readonly deleted: boolean;
}

/**
 * The files folded in the order they were dropped: each stated field replaces the one before (the
 * files are dropped seconds apart, so each one's stamp is newer), unstated fields keep the pool's value.
 */
export function expectedMovies(pool: readonly MovieFacts[], files: readonly UpdateFile[]): Map<string, ExpectedMovie> {
  const before = new Map(pool.map((movie) => [movieKey(movie), movie]));
  const expected = new Map<string, ExpectedMovie>();
  for (const file of files) {
    for (const record of file.records) {
      const key = movieKey(record);
      const known = expected.get(key) ?? before.get(key);
      expected.set(key, {
        ...(known?.id !== undefined ? { id: known.id } : {}),
        title: record.title,
        year: record.year,
        cast: record.cast ?? known?.cast ?? [],
        genres: record.genres ?? known?.genres ?? [],
        deleted: record.deleted === true || (expected.get(key)?.deleted ?? false),
      });
    }
  }
  return expected;
}
