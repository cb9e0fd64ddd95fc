import { createHash } from 'node:crypto';
import { movieKey } from './normalise.js';

/**
 * A movie's id is derived from its key, so it survives restarts and reloads without any stored
 * counter. The seed holds a few records sharing a key; the n-th of them (n >= 1, in file order)
 * gets its own id by hashing the occurrence number in.
 */
export function movieId(title: string, year: number, occurrence = 0): string {
  return idOfKey(movieKey(title, year), occurrence);
}

/** The id of the `occurrence`-th movie with this merge key (catalogue/normalise.ts's movieKey). */
export function idOfKey(key: string, occurrence = 0): string {
  const input = occurrence === 0 ? key : `${key}\u0000${occurrence}`;
  return createHash('sha256').update(input).digest('hex').slice(0, 16);
}

export const MOVIE_ID_PATTERN = /^[0-9a-f]{16}$/;
