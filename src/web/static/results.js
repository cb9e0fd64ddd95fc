// @ts-check
// The result list: a table of movies with the words of the search marked, the count line and "More results".
import { cell, element, formatCount, showError } from './dom.js';

/** @typedef {import('./api.js').MoviePage} MoviePage */
/** @typedef {import('./api.js').MoviePageItem} MoviePageItem */
/** @typedef {[number, number][]} Ranges */

/** Names shown in a row's cast cell before "+N more" (names the search matched are shown as well). */
const CAST_IN_TABLE = 3;

const results = element('results', HTMLElement);
const rows = element('rows', HTMLTableSectionElement);
const more = element('more', HTMLButtonElement);
const statusLine = element('status', HTMLElement);
const errorLine = element('error', HTMLElement);

/** How many movies the list shows, how many match in all, and of how many words when the matches are partial. */
let shown = { count: 0, total: 0, partial: /** @type {MoviePage['partial']} */ (undefined) };

/** A search is on its way: the old rows stay until the answer replaces them, so typing does not make the list flicker. */
export function showBusy() {
  more.hidden = true;
  results.setAttribute('aria-busy', 'true');
}

/**
 * The first page of a search, in place of the list shown before.
 * @param {MoviePage} page
 * @param {boolean} highlighted whether the page's items carry the search's matches to mark
 */
export function showFirstPage(page, highlighted) {
  results.removeAttribute('aria-busy');
  rows.replaceChildren();
  showError(errorLine, '');
  shown = { count: 0, total: page.total ?? 0, partial: page.partial };
  appendPage(page, highlighted);
}

/**
 * A further page, below the rows already shown.
 * @param {MoviePage} page
 * @param {boolean} highlighted
 */
export function showNextPage(page, highlighted) {
  showError(errorLine, '');
  const firstNew = rows.children.length;
  appendPage(page, highlighted);
  // Keyboard users keep their place: on the button while there is more, else on the first new row.
  if (more.hidden) rows.children[firstNew]?.querySelector('button')?.focus();
}

/**
 * The search failed: its message in place of the list.
 * @param {string} message
 */
export function showSearchError(message) {
  results.removeAttribute('aria-busy');
  rows.replaceChildren();
  results.hidden = true;
  statusLine.textContent = '';
  showError(errorLine, message);
}

/**
 * A further page failed: the rows shown stay, and the button can try again.
 * @param {string} message
 */
export function showNextPageError(message) {
  showCount();
  showError(errorLine, `${message} Press “More results” to try again.`);
}

/**
 * "More results" cannot be pressed again while its page is on its way.
 * @param {boolean} waiting
 */
export function waitForNextPage(waiting) {
  more.disabled = waiting;
}

/** @param {() => void} handler */
export function onMore(handler) {
  more.addEventListener('click', handler);
}

/**
 * Calls `handler` with a movie's id when its row is clicked, unless text in it was being selected.
 * @param {(id: string) => void} handler
 */
export function onRowOpen(handler) {
  rows.addEventListener('click', (event) => {
    const row = event.target instanceof Element ? event.target.closest('tr[data-id]') : null;
    if (!(row instanceof HTMLElement) || !row.dataset.id) return;
    // Selecting text in a row is not a request to open it.
    if (!(event.target instanceof HTMLButtonElement) && String(getSelection() ?? '') !== '') return;
    handler(row.dataset.id);
  });
}

/**
 * Marks the row of the movie open in the details panel, if it is in the list.
 * @param {string | null} id
 */
export function markSelected(id) {
  for (const row of rows.children) {
    if (row instanceof HTMLElement && row.dataset.id === id) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
}

/**
 * Focuses the button of a movie's row, if it is in the list.
 * @param {string | null} id
 */
export function focusRow(id) {
  const button = rows.querySelector(`tr[data-id="${CSS.escape(id ?? '')}"] button`);
  if (button instanceof HTMLElement) button.focus();
}

/**
 * @param {MoviePage} page
 * @param {boolean} highlighted
 */
function appendPage(page, highlighted) {
  for (const movie of page.items) rows.append(movieRow(movie, highlighted));
  shown.count += page.items.length;
  results.hidden = shown.count === 0;
  more.hidden = !page.has_more;
  showCount();
}

function showCount() {
  if (shown.count === 0) statusLine.textContent = 'No movies match this search. Check the spelling, or use fewer words or filters.';
  // The total counts every match (count=true), the pages shown so far only some of them.
  else {
    const { total, partial } = shown;
    // Partial matches (the API's match=most): say so, or a list that misses a word looks like a wrong answer.
    const what = partial ? ` ${partial.matched} of the ${partial.words} words` : '';
    const lead = partial ? 'No movie matches every word. ' : '';
    statusLine.textContent = `${lead}${formatCount(total)} ${total === 1 ? 'movie matches' : 'movies match'}${what} · ${shown.count} shown.`;
  }
}

/**
 * @param {MoviePageItem} movie
 * @param {boolean} highlighted
 */
function movieRow(movie, highlighted) {
  const row = document.createElement('tr');
  row.dataset.id = movie.id;
  const marks = highlighted && movie._highlight ? movie._highlight : { title: [], cast: {} };
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'link';
  open.append(marked(movie.title, marks.title));
  open.setAttribute('aria-label', `${movie.title} (${movie.year}): show details`);
  const title = document.createElement('div');
  title.className = 'title-cell';
  const thumbnail = rowThumbnail(movie);
  if (thumbnail) title.append(thumbnail);
  title.append(open);
  row.append(cell(title), cell(String(movie.year), 'num'), cell(movie.genres.join(', ')), cell(castCell(movie.cast, marks.cast ?? {})));
  return row;
}

/**
 * The first few names, and every name the search matched wherever it stands, so a row shows why it matched.
 * @param {string[]} cast
 * @param {Record<string, Ranges>} marks
 */
function castCell(cast, marks) {
  const shownNames = cast.filter((name, i) => i < CAST_IN_TABLE || Object.hasOwn(marks, name));
  const fragment = document.createDocumentFragment();
  shownNames.forEach((name, i) => {
    if (i > 0) fragment.append(', ');
    fragment.append(marked(name, marks[name]));
  });
  const rest = cast.length - shownNames.length;
  if (rest > 0) fragment.append(`, +${rest} more`);
  return fragment;
}

/**
 * `text` with the ranges `[start, end)` wrapped in <mark>. The ranges are UTF-16 offsets, which is
 * what String.prototype.slice counts; one that overlaps an earlier one or falls outside is skipped.
 * @param {string} text
 * @param {Ranges | undefined} ranges
 */
function marked(text, ranges) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  const valid = (Array.isArray(ranges) ? ranges : []).filter(
    (range) =>
      Array.isArray(range) && Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0] < range[1] && range[1] <= text.length,
  );
  for (const [start, end] of valid.sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    if (start > at) fragment.append(text.slice(at, start));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(start, end);
    fragment.append(mark);
    at = end;
  }
  if (at < text.length) fragment.append(text.slice(at));
  return fragment;
}

/**
 * A small thumbnail, when the catalogue has one. Its width and height attributes reserve the space
 * before it loads (no jump); loading="lazy" leaves images far down a long list until they are scrolled to.
 * @param {MoviePageItem} movie
 */
function rowThumbnail(movie) {
  // Only https images: the page's Content-Security-Policy refuses others anyway.
  if (typeof movie.thumbnail !== 'string' || !movie.thumbnail.startsWith('https://')) return null;
  const image = document.createElement('img');
  image.className = 'thumb';
  image.loading = 'lazy';
  image.decoding = 'async';
  image.alt = `Thumbnail for ${movie.title}`;
  if (isSize(movie.thumbnail_width)) image.width = movie.thumbnail_width;
  if (isSize(movie.thumbnail_height)) image.height = movie.thumbnail_height;
  // A dead link leaves nothing behind rather than a broken-image icon.
  image.addEventListener('error', () => image.remove());
  image.src = movie.thumbnail;
  return image;
}

/**
 * @param {unknown} value
 * @returns {value is number}
 */
function isSize(value) {
  return Number.isInteger(value) && /** @type {number} */ (value) > 0;
}
