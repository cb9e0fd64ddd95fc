import { normaliseText } from '../catalogue/normalise.js';
import { RECORD_LIMITS } from '../catalogue/validate.js';
import type { MovieQuery } from '../engine/movie-query.js';
import { QueryError } from './query-error.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** More names than this in one query is not a real search, and each one costs an intersection. */
export const MAX_TERMS = 10;

const PARAMETERS = ['title', 'year', 'cast', 'genre', 'limit', 'cursor'] as const;
type Parameter = (typeof PARAMETERS)[number];
const REPEATABLE: ReadonlySet<Parameter> = new Set(['cast', 'genre']);
const INTEGER = /^[0-9]+$/;

export interface ListRequest {
  readonly query: MovieQuery;
  readonly limit: number;
  /** The opaque cursor as sent; decoding needs the query, see query/cursor.ts. */
  readonly cursor?: string;
}

/**
 * Parses the raw query string of GET /v1/movies (without the leading `?`). It is parsed here rather
 * than by a generic parser because the contract rejects what generic parsers forgive: repeated
 * single-valued parameters, unknown names and broken percent-encoding. Throws QueryError.
 */
export function parseListRequest(search: string): ListRequest {
  const values = new Map<Parameter, string[]>();
  if (search.length > 0) {
    for (const pair of search.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decode(eq === -1 ? pair : pair.slice(0, eq), 'parameter name');
      const value = eq === -1 ? '' : decode(pair.slice(eq + 1), name);
      if (!(PARAMETERS as readonly string[]).includes(name)) {
        throw new QueryError(name, `unknown parameter "${name}"; the parameters are ${PARAMETERS.join(', ')}`);
      }
      // An empty value counts as absent, so clients can send blank form fields.
      if (value.trim() === '') continue;
      const parameter = name as Parameter;
      const list = values.get(parameter) ?? [];
      list.push(value);
      values.set(parameter, list);
    }
  }
  for (const [parameter, list] of values) {
    if (list.length > 1 && !REPEATABLE.has(parameter)) {
      throw new QueryError(parameter, `${parameter} may be given only once`);
    }
  }
  const one = (p: Parameter): string | undefined => values.get(p)?.[0];

  const query: { title?: string; year?: number; cast: string[]; genres: string[] } = {
    cast: names(values.get('cast'), 'cast'),
    genres: names(values.get('genre'), 'genre'),
  };
  const title = one('title');
  if (title !== undefined) {
    if (title.length > RECORD_LIMITS.titleLength) {
      throw new QueryError('title', `title must be at most ${RECORD_LIMITS.titleLength} characters`);
    }
    query.title = normaliseText(title);
  }
  const year = one('year');
  if (year !== undefined) {
    if (!INTEGER.test(year) || year.length > 4) {
      throw new QueryError('year', `year must be a whole number such as 1996, got "${clip(year)}"`);
    }
    query.year = Number(year);
  }
  let limit = DEFAULT_LIMIT;
  const rawLimit = one('limit');
  if (rawLimit !== undefined) {
    limit = INTEGER.test(rawLimit) && rawLimit.length <= 3 ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      throw new QueryError('limit', `limit must be a whole number from 1 to ${MAX_LIMIT}, got "${clip(rawLimit)}"`);
    }
  }
  const cursor = one('cursor');
  return cursor === undefined ? { query, limit } : { query, limit, cursor };
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text.includes('+') ? text.replace(/\+/g, ' ') : text);
  } catch {
    throw new QueryError(what, `${what} has invalid percent-encoding: "${clip(text)}"`);
  }
}

function names(list: string[] | undefined, parameter: Parameter): string[] {
  if (list === undefined) return [];
  if (list.length > MAX_TERMS) throw new QueryError(parameter, `${parameter} may be given at most ${MAX_TERMS} times`);
  for (const name of list) {
    if (name.length > RECORD_LIMITS.listItemLength) {
      throw new QueryError(parameter, `${parameter} must be at most ${RECORD_LIMITS.listItemLength} characters`);
    }
  }
  return [...new Set(list.map(normaliseText))].sort();
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
