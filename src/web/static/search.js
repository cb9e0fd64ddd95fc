// @ts-check
// Running a search: the first page with its count and facets, then "More results". Answers can arrive out of order
// (a short prefix matches far more movies than the word it grows into): a newer search aborts the older request,
// and a sequence number drops an answer that was already on its way.
import { listMovies } from './api.js';
import { shownMovie } from './details.js';
import { hideFacets, showFacets } from './facets.js';
import { markSelected, showBusy, showFirstPage, showNextPage, showNextPageError, showSearchError, waitForNextPage } from './results.js';
import { apiQuery, describe } from './search-params.js';

/** @typedef {import('./search-params.js').Search} Search */

/** The search the list answers, whether its words are marked, and where its next page starts. */
let list = {
  query: /** @type {string | null} */ (null),
  highlight: false,
  cursor: /** @type {string | null} */ (null),
};
let request = new AbortController();
let sequence = 0;

/**
 * Shows the first page of a search, unless the list already answers it. `retry` searches again all the same.
 * @param {Search} search
 * @param {{ retry?: boolean }} [options]
 */
export async function runSearch(search, { retry = false } = {}) {
  const query = apiQuery(search);
  if (!retry && query === list.query) return;
  request.abort();
  request = new AbortController();
  const signal = request.signal;
  const current = ++sequence;
  // Highlights mark the words of `q`; the other filters match whole fields, so there is nothing to mark.
  list = { query, highlight: search.q !== '', cursor: null };
  showBusy();
  document.title = `${describe(search)} · cinedex`;
  // The first page asks for the total and the facets; later pages need neither.
  const answer = await listMovies(parameters('count=true', 'facets=genre,decade'), signal);
  if (!answer || current !== sequence) return;
  if (answer.error !== undefined) {
    showSearchError(answer.error);
    hideFacets();
    return;
  }
  showFacets(answer.body.facets ?? {}, search);
  showFirstPage(answer.body, list.highlight);
  list.cursor = answer.body.next_cursor;
  markSelected(shownMovie());
}

/** Appends the next page of the list on screen. */
export async function loadMore() {
  if (!list.cursor) return;
  const signal = request.signal;
  const current = sequence;
  waitForNextPage(true);
  const answer = await listMovies(parameters(`cursor=${encodeURIComponent(list.cursor)}`), signal);
  waitForNextPage(false);
  if (!answer || current !== sequence) return;
  if (answer.error !== undefined) {
    showNextPageError(answer.error);
    return;
  }
  showNextPage(answer.body, list.highlight);
  list.cursor = answer.body.next_cursor;
  markSelected(shownMovie());
}

/**
 * The list's search with `extras` after it.
 * @param {...string} extras
 */
function parameters(...extras) {
  return [list.query, list.highlight ? 'highlight=true' : '', ...extras].filter(Boolean).join('&');
}
