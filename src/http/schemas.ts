import { MOVIE_ID_PATTERN } from '../catalogue/id.js';
import { RECORD_LIMITS } from '../catalogue/validate.js';
import { MAX_FACET_LIMIT, MAX_Q_WORDS } from '../engine/limits.js';
import { MATCH_STRATEGIES } from '../engine/match-strategy.js';
import { SEARCHABLE_FACETS } from '../engine/facet-search.js';
import { FACETS, SORT_ORDERS } from '../engine/search-request.js';
import { DEFAULT_FACET_SEARCH_LIMIT } from '../query/parse-facet-search.js';
import { DEFAULT_FACET_LIMIT, DEFAULT_LIMIT, MAX_LIMIT, MAX_Q_LENGTH, MAX_TERMS, MAX_YEAR } from '../query/parse-query.js';

/**
 * JSON schemas of the API, for the OpenAPI document. Requests are checked by our own parser
 * (src/query), not by these schemas (server.ts installs a validator compiler that accepts
 * everything), and responses are ready strings, so on the hot path these cost nothing. The limits
 * come from the parser, the engine's limits and the record rules, so the document cannot promise other bounds.
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

/** Named schemas point at each other by $id, so a $ref can be made before the list of them exists. */
const ref = (schema: { readonly $id: string }, description?: string) => ({
  $ref: `${schema.$id}#`,
  ...(description ? { description } : {}),
});

/** [start, end) in UTF-16 code units, as JavaScript's String.prototype.slice takes them. */
const range = {
  type: 'array',
  prefixItems: [{ type: 'integer' }, { type: 'integer' }],
  minItems: 2,
  maxItems: 2,
} as const;

const highlight = {
  $id: 'Highlight',
  type: 'object',
  description:
    'where the words of q matched: [start, end) ranges in UTF-16 code units of the original strings (String.prototype.slice offsets); ' +
    'a word matched as the beginning of a longer one is marked as far as the typed prefix goes',
  properties: {
    title: { type: 'array', items: range, description: 'ranges of the title, in order' },
    cast: {
      type: 'object',
      additionalProperties: { type: 'array', items: range },
      description: 'ranges by cast name, spelled as in the movie; only names with a match',
    },
    extract: {
      type: 'array',
      items: range,
      description:
        "ranges of the movie's extract whose words q's words match, stop words aside and stemmed (the extract tier); absent when none do",
    },
  },
  required: ['title', 'cast'],
} as const;

const moviePageItem = {
  $id: 'MoviePageItem',
  description: 'a movie of a page; with highlight=true and a q that has words, also where q matched it',
  allOf: [ref(movie), { type: 'object', properties: { _highlight: ref(highlight) } }],
} as const;

const facetValue = {
  $id: 'FacetValue',
  type: 'object',
  description: 'one value of a facet and how many matches have it',
  properties: {
    value: {
      type: ['string', 'integer'],
      description:
        'a genre or cast name, in its most common spelling in the catalogue; a year; for a decade its first year (1990 for the 1990s)',
    },
    count: { type: 'integer', minimum: 1 },
  },
  required: ['value', 'count'],
} as const;

const facetValues = { type: 'array', items: ref(facetValue), maxItems: MAX_FACET_LIMIT } as const;
const facets = {
  $id: 'Facets',
  type: 'object',
  description:
    'the facets asked for, counted over every match (not just this page), each ignoring its own filter: genre ignores genre, cast ignores cast, ' +
    'year and decade ignore year, year_from and year_to. genre and cast are by count, most first, then by value; year and decade are ' +
    'the facet_limit values with the most matches (the later on a tie), earliest first; at most facet_limit values each',
  properties: {
    genre: { ...facetValues, description: 'the most common genres' },
    year: { ...facetValues, description: 'the busiest years, earliest first (a year whose count is 0 is left out)' },
    decade: { ...facetValues, description: 'the busiest decades, earliest first' },
    cast: { ...facetValues, description: 'the most frequent cast members' },
  } satisfies Record<(typeof FACETS)[number], unknown>,
  additionalProperties: false,
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
export const namedSchemas = [problem, movie, moviePageItem, highlight, facets, facetValue, historyEntry, genreCount] as const;

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

const year = (description: string) => ({ type: 'integer', minimum: 0, maximum: MAX_YEAR, description }) as const;

export const listMoviesSchema = {
  operationId: 'listMovies',
  summary: 'Search movies',
  description:
    'Filters combine with AND. The order is sort; without it, relevance when q is given, else year descending. ' +
    'Ties are broken by year descending, then title, then id, so no two movies tie. ' +
    'Follow next_cursor until it is null: cursors work for every sort. A cursor is bound to the filters, q and sort that made it ' +
    '(another is a 400); limit, facets, count and highlight may change from page to page. ' +
    'With q, when no movie matches every word, the movies matching the most of them are the matches (match=most, the default). ' +
    'total and facets count every match, not just the page.',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      q: {
        type: 'string',
        maxLength: MAX_Q_LENGTH,
        description:
          `free text, at most ${MAX_Q_WORDS} words, matched against titles and cast names, case- and accent-insensitive: ` +
          'a movie matches when each word is in its title or cast, allowing typos (one in a word of 5 to 8 letters, two from 9), ' +
          'and the last word may be the beginning of a longer one. Numbers match however written (2, ii, two, second, 2nd), ' +
          'a word matches two adjacent words written together (ironman: Iron Man) and two words one (bat man: Batman). ' +
          '"quoted words" must also be side by side in that order; -word excludes movies with that word exactly. ' +
          'Without words (only punctuation) it matches everything',
      },
      match: {
        type: 'string',
        enum: MATCH_STRATEGIES,
        default: 'most',
        description:
          'most: when no movie matches every word of q, the answer holds the movies matching the most words (and says partial); ' +
          'all: every word must match, else the page is empty',
      },
      title: { type: 'string', maxLength: RECORD_LIMITS.titleLength, description: 'substring of the title, case- and accent-insensitive' },
      year: year('exact year'),
      year_from: year('earliest year, inclusive'),
      year_to: year('latest year, inclusive; not before year_from'),
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
      sort: {
        type: 'string',
        enum: SORT_ORDERS,
        description:
          'default relevance with q, year:desc without; relevance needs q. title:asc and title:desc compare titles case- and accent-insensitively',
      },
      facets: {
        type: 'string',
        description: `comma-separated, any of ${FACETS.join(', ')} (e.g. genre,decade): the answer gains facets, the count of each value over every match`,
      },
      facet_limit: { type: 'integer', minimum: 1, maximum: MAX_FACET_LIMIT, default: DEFAULT_FACET_LIMIT, description: 'values per facet' },
      count: { type: 'boolean', default: false, description: 'true: the answer gains total, the exact number of matches' },
      highlight: {
        type: 'boolean',
        default: false,
        description: 'true: each item gains _highlight, where the words of q matched it; nothing without q',
      },
      limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
      cursor: { type: 'string', description: 'opaque: next_cursor of the previous page' },
    },
  },
  response: {
    200: {
      type: 'object',
      description: 'a page of movies in the order asked for',
      properties: {
        items: { type: 'array', items: ref(moviePageItem) },
        has_more: { type: 'boolean' },
        next_cursor: { type: ['string', 'null'], description: 'the cursor of the next page; null on the last page' },
        total: { type: 'integer', minimum: 0, description: 'with count=true: the number of matches, every page together' },
        partial: {
          type: 'object',
          description: 'present when no movie matches every word of q (match=most): the movies here match `matched` of its `words` words',
          properties: { words: { type: 'integer', minimum: 2 }, matched: { type: 'integer', minimum: 1 } },
          required: ['words', 'matched'],
          additionalProperties: false,
        },
        facets: ref(facets, 'with facets: the facets asked for'),
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
        segments: {
          type: 'object',
          additionalProperties: true,
          description:
            'how the version is made: the base segment (sequence, movies, bytes), the deltas on top of it (count, sequences, movies, deletes, bytes), the last merge of segments, and the store after the last garbage collection (objects, bytes, collected)',
        },
        synonyms: {
          type: ['object', 'null'],
          description:
            "the operator's synonyms in force (docs/api.md, Synonyms): the object the version names, the file it was read from (key, etag), its entries and the rules they make (one per key); null when the version has none",
          properties: {
            key: { type: 'string' },
            source: { type: 'object', properties: { key: { type: 'string' }, etag: { type: 'string' } }, required: ['key', 'etag'] },
            entries: { type: 'integer' },
            rules: { type: 'integer' },
          },
          required: ['key', 'source', 'entries', 'rules'],
        },
      },
      required: ['version', 'movies', 'snapshotCreatedAt', 'loadedAt', 'lastIngestionRun'],
      additionalProperties: true,
    },
    503: errors[503],
  },
};

export const facetSearchSchema = {
  operationId: 'searchFacetValues',
  summary: "Search within a facet's values",
  description:
    "The values of the cast or genre facet that match q, each with its number of movies under the filters (the facet's own " +
    'filter left out, as facets do; values with none are left out). q matches as it does for movies: every word of q must match ' +
    'a word of the value, allowing typos (one in a word of 5 to 8 letters, two from 9), and the last word may be the beginning ' +
    'of a longer one (tom ha: Tom Hanks, Tom Hardy). Fewest typos first, then most movies, then the value.',
  params: {
    type: 'object',
    properties: { facet: { type: 'string', enum: SEARCHABLE_FACETS, description: 'the facet whose values to search' } },
    required: ['facet'],
  },
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      q: { type: 'string', maxLength: MAX_Q_LENGTH, description: `the start of the value typed so far, at most ${MAX_Q_WORDS} words` },
      title: listMoviesSchema.querystring.properties.title,
      year: listMoviesSchema.querystring.properties.year,
      year_from: listMoviesSchema.querystring.properties.year_from,
      year_to: listMoviesSchema.querystring.properties.year_to,
      cast: listMoviesSchema.querystring.properties.cast,
      genre: listMoviesSchema.querystring.properties.genre,
      limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_FACET_SEARCH_LIMIT },
    },
    required: ['q'],
  },
  response: {
    200: {
      type: 'object',
      description: 'the matching values, best first',
      properties: { items: { type: 'array', items: ref(facetValue), maxItems: MAX_LIMIT } },
      required: ['items'],
    },
    400: errors[400],
    503: errors[503],
  },
};
