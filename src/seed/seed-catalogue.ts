import { idOfKey } from '../catalogue/id.js';
import { movieKey } from '../catalogue/normalise.js';
import type { Movie } from '../catalogue/movie.js';
import { StringPool, validateRecord } from '../catalogue/validate.js';

export interface RejectedRecord {
  /** Position in the source array. */
  readonly index: number;
  readonly reason: string;
}

export interface SeedCatalogue {
  readonly movies: Movie[];
  /** Each movie's merge key, by position in `movies` (the seed's state entries carry it). */
  readonly keys: string[];
  readonly rejected: RejectedRecord[];
}

/**
 * Turns the parsed seed array into movies. Invalid records are reported and skipped; records
 * sharing a key are all kept, each with its own stable id (by order of appearance).
 */
export function catalogueFromSeed(records: readonly unknown[]): SeedCatalogue {
  const movies: Movie[] = [];
  const keys: string[] = [];
  const rejected: RejectedRecord[] = [];
  const occurrences = new Map<string, number>();
  const names = new StringPool();
  records.forEach((raw, index) => {
    const result = validateRecord(raw, names);
    if (!result.ok) {
      rejected.push({ index, reason: result.reason });
      return;
    }
    if (result.record.deleted) {
      rejected.push({ index, reason: 'a seed record cannot be deleted' });
      return;
    }
    const { fields } = result.record;
    const key = movieKey(fields.title, fields.year);
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    movies.push({
      cast: [],
      genres: [],
      ...fields,
      id: idOfKey(key, occurrence),
    });
    keys.push(key);
  });
  return { movies, keys, rejected };
}
