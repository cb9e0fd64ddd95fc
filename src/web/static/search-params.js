// @ts-check
// A search as URL parameters. The page URL holds the state (?q=&year_from=&year_to=&sort=&title=&year=&cast=&genre=
// &movie=), so a search is a link; the API query is built from the same search.
import { splitNames } from './names.js';

/** Every search field, in the order the URL lists them. */
export const FIELDS = /** @type {const} */ (['q', 'year_from', 'year_to', 'title', 'year', 'cast', 'genre']);
/** Fields that take several comma-separated names, sent to the API as repeated parameters. */
const NAME_LISTS = new Set(['cast', 'genre']);

/** @typedef {typeof FIELDS[number]} Field */
/**
 * The fields as typed (trimmed) and the sort a person chose; '' lets the page pick (best match with words to
 * rank by, newest without).
 * @typedef {Record<Field, string> & { sort: string }} Search
 */

/**
 * @param {(field: Field) => string} valueOf
 * @param {string} sort
 * @returns {Search}
 */
export function searchOf(valueOf, sort) {
  const fields = /** @type {Record<Field, string>} */ (Object.fromEntries(FIELDS.map((field) => [field, valueOf(field)])));
  return { ...fields, sort };
}

/** The page state from the URL: the raw field texts as typed, the chosen sort and the open movie. */
export function readLocation() {
  const params = new URLSearchParams(location.search);
  const search = searchOf((field) => params.getAll(field).join(', ').trim(), params.get('sort') ?? '');
  return { search, movie: params.get('movie') };
}

/**
 * The sort the API will use: a chosen one, unless it is relevance with nothing to rank by.
 * @param {Search} search
 */
export function effectiveSort(search) {
  if (search.sort && (search.sort !== 'relevance' || search.q)) return search.sort;
  return search.q ? 'relevance' : 'year:desc';
}

/**
 * A chosen sort, sent and kept in the link; none when it is relevance left without words to rank by.
 * @param {Search} search
 */
function sortParameter(search) {
  return search.sort && search.sort === effectiveSort(search) ? search.sort : '';
}

/**
 * The page's URL for a search and the movie open beside it.
 * @param {Search} search
 * @param {string | null} movie
 */
export function pageUrl(search, movie) {
  const params = new URLSearchParams();
  for (const field of FIELDS) if (search[field]) params.set(field, search[field]);
  if (sortParameter(search)) params.set('sort', search.sort);
  if (movie) params.set('movie', movie);
  const query = params.toString();
  return query ? `?${query}` : location.pathname;
}

/**
 * The query string GET /v1/movies is asked with: two searches that give the same one show the same list.
 * @param {Search} search
 */
export function apiQuery(search) {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    if (!search[field]) continue;
    if (NAME_LISTS.has(field)) for (const name of splitNames(search[field])) params.append(field, name);
    else params.set(field, search[field]);
  }
  if (sortParameter(search)) params.set('sort', search.sort);
  return params.toString();
}

/**
 * The search in words, for the window title.
 * @param {Search} search
 */
export function describe(search) {
  const parts = FIELDS.filter((field) => search[field]).map((field) => search[field]);
  return parts.length > 0 ? parts.join(' · ') : 'newest movies';
}
