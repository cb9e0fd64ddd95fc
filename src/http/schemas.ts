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
  $id: 'Problem',
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
  $id: 'Movie',
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

const historyEntry = {
  $id: 'HistoryEntry',
  type: 'object',
  description: 'one changed field of a movie, and the provider object that changed it',
  properties: {
    field: { type: 'string' },
    old: {},
    new: {},
    object: { type: 'string', description: 'inbox object key' },
    provider: { type: 'string' },
    lastModified: { type: 'string', format: 'date-time' },
    run: { type: 'string' },
  },
  required: ['field', 'old', 'new', 'object', 'provider', 'lastModified', 'run'],
} as const;

const genreCount = {
  $id: 'GenreCount',
  type: 'object',
  properties: { genre: { type: 'string' }, count: { type: 'integer' } },
  required: ['genre', 'count'],
} as const;

/**
 * The schemas with a name in the OpenAPI document (components/schemas), so that generated clients
 * (src/client/openapi.ts) get one named type each. server.ts registers them; routes use `{ $ref }`.
 */
export const namedSchemas = [problem, movie, historyEntry, genreCount] as const;
const ref = (schema: (typeof namedSchemas)[number], description?: string) => ({
  $ref: `${schema.$id}#`,
  ...(description ? { description } : {}),
});

const errors = {
  400: ref(problem, 'malformed or unknown parameter'),
  404: ref(problem, 'no such movie'),
  503: ref(problem, 'catalogue not loaded yet'),
};

const idParam = {
  type: 'object',
  properties: { id: { type: 'string', description: 'a movie id from /v1/movies' } },
  required: ['id'],
} as const;

export const listMoviesSchema = {
  operationId: 'listMovies',
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
      description: 'a page of movies in catalogue order',
      properties: {
        items: { type: 'array', items: ref(movie) },
        has_more: { type: 'boolean' },
        next_cursor: { type: ['string', 'null'], description: 'the cursor of the next page; null on the last page' },
      },
      required: ['items', 'has_more', 'next_cursor'],
    },
    ...errors,
  },
};

export const movieByIdSchema = {
  operationId: 'getMovie',
  summary: 'One movie',
  params: idParam,
  response: { 200: ref(movie, 'the movie'), 404: errors[404], 503: errors[503] },
};

export const historySchema = {
  operationId: 'getMovieHistory',
  summary: "A movie's audited changes, newest first",
  params: idParam,
  response: {
    200: {
      type: 'object',
      description: "the movie's changes, newest first; empty for a movie no provider has changed",
      properties: { items: { type: 'array', items: ref(historyEntry) } },
      required: ['items'],
    },
    404: errors[404],
    503: errors[503],
  },
};

export const genresSchema = {
  operationId: 'listGenres',
  summary: 'Every genre with its movie count',
  response: {
    200: {
      type: 'object',
      description: 'every genre with the number of movies that have it',
      properties: { items: { type: 'array', items: ref(genreCount) } },
      required: ['items'],
    },
    503: errors[503],
  },
};

const health = (description: string) => ({
  type: 'object',
  description,
  properties: { status: { type: 'string' }, version: { type: 'string', description: 'data version, once loaded' } },
  required: ['status'],
});

export const livenessSchema = {
  operationId: 'getLiveness',
  summary: 'Liveness: the process answers',
  response: { 200: health('alive') },
};

export const readinessSchema = {
  operationId: 'getReadiness',
  summary: 'Readiness: the catalogue is loaded and the instance is not draining',
  response: {
    200: health('ready to serve'),
    503: ref(problem, 'not ready: the catalogue is not loaded yet, or the instance is draining'),
  },
};

export const statusSchema = {
  operationId: 'getStatus',
  summary: 'Data version, snapshot, last ingestion run and refresh state',
  response: {
    200: {
      type: 'object',
      description: 'the data being served; the serving process adds its own state (pid, refresh, ingestion)',
      properties: {
        version: { type: 'string', description: 'data version: changes with every published snapshot' },
        movies: { type: 'integer', description: 'movies being served' },
        snapshotCreatedAt: { type: ['string', 'null'], format: 'date-time' },
        loadedAt: { type: ['string', 'null'], format: 'date-time', description: 'when this process loaded the data' },
        lastIngestionRun: {
          type: ['object', 'null'],
          additionalProperties: true,
          description: 'the run that published this snapshot, with its objects and rejections; null for the seed',
        },
      },
      required: ['version', 'movies', 'snapshotCreatedAt', 'loadedAt', 'lastIngestionRun'],
      additionalProperties: true,
    },
    503: errors[503],
  },
};
