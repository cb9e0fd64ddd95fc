import { movieId } from '../catalogue/id.js';
import { MOVIE_FIELDS, type Movie, type MovieField, type MovieRecord } from '../catalogue/movie.js';
import { movieKey } from '../catalogue/normalise.js';
import type { ValidRecord } from '../catalogue/validate.js';
import { compareStamps, type Stamp } from './stamp.js';

/** `deleted` merges like any other field: every record states it (absent means false). */
export type MergedField = MovieField | 'deleted';

type Values = { -readonly [K in keyof MovieRecord]: MovieRecord[K] };

/** A catalogue entry with the stamp of each field's current value; no stamp means "from the seed". */
export interface MovieEntry {
  readonly id: string;
  readonly key: string;
  values: Values;
  deleted: boolean;
  stamps: Partial<Record<MergedField, Stamp>>;
}

export interface FieldChange {
  readonly id: string;
  readonly field: MergedField;
  readonly old: unknown;
  readonly new: unknown;
}

/**
 * The merge rules, as a state machine over catalogue entries: per field, the value with the
 * greatest stamp wins. That makes applying updates commutative and idempotent, so any processing
 * order and any replay give the same catalogue. Deleted movies stay as tombstones for the same
 * reason: an older update read later must not resurrect them.
 */
export class MergeState {
  private readonly entries = new Map<string, MovieEntry>();
  private readonly idsByKey = new Map<string, string[]>();

  static fromEntries(entries: Iterable<MovieEntry>): MergeState {
    const state = new MergeState();
    for (const entry of entries) state.add(entry);
    return state;
  }

  static fromMovies(movies: Iterable<Movie>): MergeState {
    const state = new MergeState();
    for (const { id, ...values } of movies) {
      state.add({ id, key: movieKey(values.title, values.year), values: { ...values }, deleted: false, stamps: {} });
    }
    return state;
  }

  get size(): number {
    return this.entries.size;
  }

  entry(id: string): MovieEntry | undefined {
    return this.entries.get(id);
  }

  allEntries(): IterableIterator<MovieEntry> {
    return this.entries.values();
  }

  /** The live (not deleted) movies. */
  *movies(): Generator<Movie> {
    for (const entry of this.entries.values()) {
      if (!entry.deleted) yield { ...entry.values, id: entry.id };
    }
  }

  /** Applies one validated record stamped with its source; returns what actually changed. */
  apply(record: ValidRecord, stamp: Stamp): FieldChange[] {
    const { fields } = record;
    const key = movieKey(fields.title, fields.year);
    const changes: FieldChange[] = [];
    let ids = this.idsByKey.get(key);
    if (!ids) {
      const id = movieId(fields.title, fields.year);
      // A new key starts from defaults no stated value can lose to; the record below fills it in.
      // A key the catalogue never had reads as a deleted movie: the record's own `deleted: false`
      // then shows in the audit as the movie coming into existence.
      this.add({ id, key, values: { title: fields.title, year: fields.year, cast: [], genres: [] }, deleted: true, stamps: {} });
      changes.push({ id, field: 'title', old: null, new: fields.title }, { id, field: 'year', old: null, new: fields.year });
      ids = [id];
    }
    for (const id of ids) {
      const entry = this.entries.get(id) as MovieEntry;
      for (const field of MOVIE_FIELDS) {
        if (!Object.prototype.hasOwnProperty.call(fields, field)) continue;
        this.write(entry, field, fields[field], stamp, changes);
      }
      this.write(entry, 'deleted', record.deleted, stamp, changes);
    }
    return changes;
  }

  private write(entry: MovieEntry, field: MergedField, value: unknown, stamp: Stamp, changes: FieldChange[]): void {
    const current = entry.stamps[field];
    if (current && compareStamps(stamp, current) <= 0) return;
    entry.stamps[field] = stamp;
    const old = field === 'deleted' ? entry.deleted : entry.values[field];
    if (sameValue(old, value)) return;
    if (field === 'deleted') entry.deleted = value as boolean;
    else (entry.values as Record<string, unknown>)[field] = value;
    // null, not undefined, for "had no value": the audit is stored as JSON.
    changes.push({ id: entry.id, field, old: old ?? null, new: value });
  }

  private add(entry: MovieEntry): void {
    this.entries.set(entry.id, entry);
    const ids = this.idsByKey.get(entry.key);
    if (ids) ids.push(entry.id);
    else this.idsByKey.set(entry.key, [entry.id]);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return false;
}
