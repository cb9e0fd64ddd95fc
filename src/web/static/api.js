// @ts-check
// The API calls the page makes. The answers' types are the typed client's (src/client/types.ts, generated from the
// served OpenAPI document); the page trusts them as the client does, and guards only what it puts on the page.

/** @typedef {import('../../client/types.js').MoviePage} MoviePage */
/** @typedef {import('../../client/types.js').MoviePageItem} MoviePageItem */
/** @typedef {import('../../client/types.js').Facets} Facets */
/** @typedef {import('../../client/types.js').Movie} Movie */
/** @typedef {import('../../client/types.js').MovieHistory} MovieHistory */
/** @typedef {MovieHistory['items'][number]} HistoryEntry */

/**
 * The body of a successful answer, or a message for a person; `null` when a newer request aborted this one.
 * @template Body
 * @typedef {{ body: Body, error?: undefined } | { body?: undefined, error: string } | null} Answer
 */

/**
 * A page of movies.
 * @param {string} parameters the query string, without `?`
 * @param {AbortSignal} signal
 * @returns {Promise<Answer<MoviePage>>}
 */
export function listMovies(parameters, signal) {
  return getJson(`v1/movies?${parameters}`, signal);
}

/**
 * Cast names matching what was typed, each with its number of movies under the other filters.
 * @param {string} parameters the query string, without `?`
 * @param {AbortSignal} signal
 * @returns {Promise<Answer<import('../../client/types.js').FacetValueList>>}
 */
export function searchCastNames(parameters, signal) {
  return getJson(`v1/facets/cast?${parameters}`, signal);
}

/**
 * @param {string} id
 * @param {AbortSignal} signal
 * @returns {Promise<Answer<Movie>>}
 */
export function getMovie(id, signal) {
  return getJson(`v1/movies/${encodeURIComponent(id)}`, signal);
}

/**
 * @param {string} id
 * @param {AbortSignal} signal
 * @returns {Promise<Answer<MovieHistory>>}
 */
export function getMovieHistory(id, signal) {
  return getJson(`v1/movies/${encodeURIComponent(id)}/history`, signal);
}

/**
 * GET from the API. An error's message is the problem's `detail` when the API sent one.
 * @template Body the type the API's document gives the answer; not checked here
 * @param {string} path relative to the page
 * @param {AbortSignal} signal
 * @returns {Promise<Answer<Body>>}
 */
async function getJson(path, signal) {
  let response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, signal });
    if (response.ok) return { body: await response.json() };
  } catch (error) {
    if (signal.aborted) return null;
    return {
      error: `The server could not be reached (${error instanceof Error ? error.message : String(error)}). Check your connection and try again.`,
    };
  }
  /** @type {unknown} */
  let problem;
  try {
    problem = await response.json();
  } catch {
    problem = undefined;
  }
  if (signal.aborted) return null;
  return { error: problemText(problem) || `The server answered ${response.status} ${response.statusText}.` };
}

/**
 * The problem's detail, else its title, else ''.
 * @param {unknown} problem
 */
function problemText(problem) {
  if (typeof problem !== 'object' || problem === null) return '';
  if ('detail' in problem && typeof problem.detail === 'string') return problem.detail;
  if ('title' in problem && typeof problem.title === 'string') return problem.title;
  return '';
}
