import { MOVIE_ID_PATTERN } from '../catalogue/id.js';
import { RECORD_LIMITS } from '../catalogue/validate.js';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_TERMS } from '../query/parse-query.js';

/**
 * JSON schemas of the API, for the OpenAPI document. Requests are checked by our own parser
 * (src/query), not by these schemas (server.ts installs a validator compiler that accepts
 * everything), and responses are ready strings, so on the hot path these cost nothing. The limits
 * come from the parser and the record rules, so the document cannot promise other bounds.
 */
const problem = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    parameter: { type: 'string', description: 'the request parameter at fault, for 400s' },
  },
  required: ['type', 'title', 'status', 'detail'],
} as const;

const movie = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: MOVIE_ID_PATTERN.source, description: 'stable: derived from (normalised title, year)' },
    title: { type: 'string' },
    year: { type: 'integer' },
    cast: { type: 'array', items: { type: 'string' } },
    genres: { type: 'array', items: { type: 'string' } },
    href: { type: 'string' },
    extract: { type: 'string' },
    thumbnail: { type: 'string' },
    thumbnail_width: { type: 'integer' },
    thumbnail_height: { type: 'integer' },
  },
  required: ['id', 'title', 'year', 'cast', 'genres'],
} as const;

const errors = {
  400: { ...problem, description: 'malformed or unknown parameter' },
  404: { ...problem, description: 'no such movie' },
  503: { ...problem, description: 'catalogue not loaded yet' },
};

const idParam = {
  type: 'object',
  properties: { id: { type: 'string', description: 'a movie id from /v1/movies' } },
  required: ['id'],
} as const;

export const listMoviesSchema = {
  summary: 'Search movies',
  description: 'Filters combine with AND. Ordered by year descending, then title, then id. Follow next_cursor until it is null.',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      title: { type: 'string', maxLength: RECORD_LIMITS.titleLength, description: 'substring of the title, case- and accent-insensitive' },
      year: { type: 'integer', description: 'exact year' },
      cast: {
        type: 'array',
        items: { type: 'string', maxLength: RECORD_LIMITS.listItemLength },
        maxItems: MAX_TERMS,
        description: 'full cast member name; repeat for several (all must match)',
      },
      genre: {
        type: 'array',
        items: { type: 'string', maxLength: RECORD_LIMITS.listItemLength },
        maxItems: MAX_TERMS,
        description: 'genre; repeat for several (all must match)',
      },
      limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
      cursor: { type: 'string', description: 'opaque: next_cursor of the previous page' },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: { items: { type: 'array', items: movie }, has_more: { type: 'boolean' }, next_cursor: { type: ['string', 'null'] } },
      required: ['items', 'has_more', 'next_cursor'],
    },
    ...errors,
  },
};

export const movieByIdSchema = { summary: 'One movie', params: idParam, response: { 200: movie, 404: errors[404], 503: errors[503] } };

export const historySchema = {
  summary: "A movie's audited changes, newest first",
  params: idParam,
  response: {
    200: {
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              field: { type: 'string' },
              old: {},
              new: {},
              object: { type: 'string', description: 'inbox object key' },
              provider: { type: 'string' },
              lastModified: { type: 'string', format: 'date-time' },
              run: { type: 'string' },
            },
          },
        },
      },
    },
    404: errors[404],
    503: errors[503],
  },
};

export const genresSchema = {
  summary: 'Every genre with its movie count',
  response: {
    200: {
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object', properties: { genre: { type: 'string' }, count: { type: 'integer' } } } },
      },
    },
    503: errors[503],
  },
};

export const healthSchema = {
  summary: 'Liveness (/healthz) or readiness (/readyz)',
  response: { 200: { type: 'object', properties: { status: { type: 'string' }, version: { type: 'string' } } }, 503: errors[503] },
};

export const statusSchema = {
  summary: 'Data version, snapshot, last ingestion run and refresh state',
  response: { 200: { type: 'object', additionalProperties: true }, 503: errors[503] },
};

export const problemSchema = problem;
