import type { MovieRecord, OptionalField } from './movie.js';

/** Bounds keep one hostile record from costing unbounded memory or index time. */
export const RECORD_LIMITS = {
  titleLength: 500,
  minYear: 1850,
  maxYear: 2100,
  listItems: 1000,
  listItemLength: 300,
  urlLength: 2048,
  extractLength: 100_000,
  thumbnailDimension: 100_000,
} as const;

/**
 * A record as a provider (or the seed) states it: the key fields always, every other field only
 * when the record sets it. Absent fields are absent properties, never `undefined` values, so
 * "not stated" and "stated" stay distinguishable for partial updates.
 */
export type RecordFields = Pick<MovieRecord, 'title' | 'year'> & Partial<Omit<MovieRecord, 'title' | 'year'>>;
export interface ValidRecord {
  readonly fields: RecordFields;
  readonly deleted: boolean;
}

export type RecordValidation = { readonly ok: true; readonly record: ValidRecord } | { readonly ok: false; readonly reason: string };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(record: Record<string, unknown>, field: string): unknown {
  // Only own properties count: a record saying "__proto__" or "constructor" must not reach the prototype chain.
  return Object.prototype.hasOwnProperty.call(record, field) ? record[field] : undefined;
}

/**
 * One copy of each name: JSON.parse gives every occurrence of "Drama" or "John Wayne" its own string,
 * and a million-movie catalogue repeats its cast and genre names millions of times.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }
}

function stringList(value: unknown, field: string, pool: StringPool | undefined): string[] | string {
  if (!Array.isArray(value)) return `${field} must be an array of strings`;
  if (value.length > RECORD_LIMITS.listItems) return `${field} has ${value.length} entries, more than ${RECORD_LIMITS.listItems}`;
  const out: string[] = [];
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'string' || item.trim() === '') return `${field}[${i}] must be a non-empty string`;
    if (item.length > RECORD_LIMITS.listItemLength) return `${field}[${i}] is longer than ${RECORD_LIMITS.listItemLength} characters`;
    out.push(pool === undefined ? item : pool.intern(item));
  }
  return out;
}

function optionalString(value: unknown, field: OptionalField, maxLength: number): string | undefined | Error {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return new Error(`${field} must be a string`);
  if (value.length > maxLength) return new Error(`${field} is longer than ${maxLength} characters`);
  return value;
}

function optionalDimension(value: unknown, field: OptionalField): number | undefined | Error {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > RECORD_LIMITS.thumbnailDimension)
    return new Error(`${field} must be an integer from 0 to ${RECORD_LIMITS.thumbnailDimension}`);
  return value as number;
}

/**
 * Checks one record of a seed or update file. Unknown fields are ignored; the optional upstream
 * fields treat `null` as absent, as upstream files use both.
 */
export function validateRecord(raw: unknown, pool?: StringPool): RecordValidation {
  if (!isPlainObject(raw)) return { ok: false, reason: 'record must be a JSON object' };
  const title = own(raw, 'title');
  if (typeof title !== 'string' || title.trim() === '') return { ok: false, reason: 'title must be a non-empty string' };
  if (title.length > RECORD_LIMITS.titleLength)
    return { ok: false, reason: `title is longer than ${RECORD_LIMITS.titleLength} characters` };
  const year = own(raw, 'year');
  if (!Number.isInteger(year) || (year as number) < RECORD_LIMITS.minYear || (year as number) > RECORD_LIMITS.maxYear)
    return { ok: false, reason: `year must be an integer from ${RECORD_LIMITS.minYear} to ${RECORD_LIMITS.maxYear}` };

  const fields: Mutable<RecordFields> = { title, year: year as number };
  for (const field of ['cast', 'genres'] as const) {
    const value = own(raw, field);
    if (value === undefined) continue;
    const list = stringList(value, field, pool);
    if (typeof list === 'string') return { ok: false, reason: list };
    fields[field] = list;
  }
  const strings: [OptionalField & ('href' | 'extract' | 'thumbnail'), number][] = [
    ['href', RECORD_LIMITS.urlLength],
    ['extract', RECORD_LIMITS.extractLength],
    ['thumbnail', RECORD_LIMITS.urlLength],
  ];
  for (const [field, max] of strings) {
    const value = optionalString(own(raw, field), field, max);
    if (value instanceof Error) return { ok: false, reason: value.message };
    if (value !== undefined) fields[field] = value;
  }
  for (const field of ['thumbnail_width', 'thumbnail_height'] as const) {
    const value = optionalDimension(own(raw, field), field);
    if (value instanceof Error) return { ok: false, reason: value.message };
    if (value !== undefined) fields[field] = value;
  }
  const deleted = own(raw, 'deleted');
  if (deleted !== undefined && typeof deleted !== 'boolean') return { ok: false, reason: 'deleted must be a boolean' };
  return { ok: true, record: { fields, deleted: deleted === true } };
}
