// @ts-check
// The page URL and the browser history. The URL says what is on screen; a run of edits is one history entry.
import { closeDetails, openDetails, shownMovie } from './details.js';
import { cancelPendingEdit, fillForm, readForm, showSort } from './form.js';
import { runSearch } from './search.js';
import { pageUrl, readLocation } from './search-params.js';

/**
 * Shows what the URL says (on load, Back and Forward). The list is fetched again only when the search changed.
 * @param {{ focusDetails?: boolean }} [options]
 */
export function render({ focusDetails = false } = {}) {
  cancelPendingEdit();
  const { search, movie } = readLocation();
  fillForm(search);
  void runSearch(search);
  if (movie && movie !== shownMovie()) void openDetails(movie, focusDetails);
  else if (!movie && shownMovie()) closeDetails();
}

/**
 * Puts the form's search in the URL and runs it. A run of edits (keystrokes, chips, controls) is one
 * history entry, a draft: its first edit pushes the entry and the others replace it, so Back returns
 * to the search before the run instead of walking through every letter typed. Enter (`commit`) ends
 * the run, and searches again even when nothing changed, as a retry.
 * @param {{ commit?: boolean }} [options]
 */
export function applyForm({ commit = false } = {}) {
  cancelPendingEdit();
  const search = readForm();
  const url = pageUrl(search, readLocation().movie);
  const draft = history.state?.draft === true;
  if (url !== (location.search || location.pathname) || (commit && draft)) {
    history[draft ? 'replaceState' : 'pushState']({ draft: !commit }, '', url);
  }
  showSort(search);
  void runSearch(search, { retry: commit });
}

/**
 * Opens a movie in the details panel, focused. The form, not the URL, gives the search: the last keystrokes may
 * still be waiting out the debounce.
 * @param {string} id
 */
export function openMovie(id) {
  navigate(pageUrl(readForm(), id), { focusDetails: true });
}

export function closeMovie() {
  navigate(pageUrl(readForm(), null));
}

/**
 * Opening or closing a movie is a step of its own; it also ends a run of edits.
 * @param {string} url
 * @param {{ focusDetails?: boolean }} [options]
 */
function navigate(url, options) {
  if (url !== (location.search || location.pathname)) history.pushState(null, '', url);
  render(options);
}
