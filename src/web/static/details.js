// @ts-check
// The details panel: every field of one movie and its change history.
import { getMovie, getMovieHistory } from './api.js';
import { cell, element, showError } from './dom.js';
import { markSelected } from './results.js';

/** @typedef {import('./api.js').Movie} Movie */
/** @typedef {import('./api.js').HistoryEntry} HistoryEntry */

/** A longer old or new value in the history is cut here; its full text is the tooltip. */
const HISTORY_VALUE_CHARS = 120;
/** Fields the panel shows in its own way; any other field the API sends is shown as it came. */
const KNOWN_FIELDS = new Set([
  'id',
  'title',
  'year',
  'cast',
  'genres',
  'href',
  'extract',
  'thumbnail',
  'thumbnail_width',
  'thumbnail_height',
]);

const panel = element('details', HTMLElement);
const title = element('details-title', HTMLElement);
const errorLine = element('details-error', HTMLElement);
const body = element('details-body', HTMLElement);
const fields = element('fields', HTMLElement);
const thumbnail = element('thumbnail', HTMLImageElement);
const extract = element('extract', HTMLElement);
const historyTable = element('history', HTMLTableElement);
const historyRows = element('history-rows', HTMLTableSectionElement);
const historyEmpty = element('history-empty', HTMLElement);
const closeButton = element('close', HTMLButtonElement);

/** The movie on screen in the panel, if any. */
let shown = /** @type {string | null} */ (null);
let request = new AbortController();

/** The id of the movie on screen in the panel, or null when the panel is closed. */
export function shownMovie() {
  return shown;
}

/**
 * Shows a movie and its history, each as soon as both have answered.
 * @param {string} id
 * @param {boolean} focus whether the title takes the focus once there is something to read
 */
export async function openDetails(id, focus) {
  request.abort();
  request = new AbortController();
  const signal = request.signal;
  shown = id;
  markSelected(shown);
  panel.hidden = false;
  body.hidden = true;
  showError(errorLine, '');
  title.textContent = 'Loading…';
  const [movie, history] = await Promise.all([getMovie(id, signal), getMovieHistory(id, signal)]);
  if (!movie || !history) return;
  // A deleted movie has no record but still has a history, so each half is shown if it came.
  if (movie.body) showMovie(movie.body);
  else clearMovie();
  showHistory(history.body ? history.body.items : []);
  // "No changes recorded" would be a claim: after a failed request nothing is known.
  if (history.error) historyEmpty.hidden = true;
  const errors = [...new Set([movie.error, history.error].filter(Boolean))];
  showError(errorLine, errors.join(' '));
  body.hidden = false;
  // Focus moves once there is something to read, so a screen reader starts at the title.
  if (focus) title.focus();
}

export function closeDetails() {
  request.abort();
  shown = null;
  panel.hidden = true;
  markSelected(shown);
}

/**
 * Calls `handler` when the panel's Close is pressed, or Escape while the panel is open.
 * @param {() => void} handler
 */
export function onClose(handler) {
  closeButton.addEventListener('click', handler);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !panel.hidden) closeButton.click();
  });
}

function clearMovie() {
  title.textContent = 'Movie';
  fields.replaceChildren();
  showThumbnail(null);
  extract.hidden = true;
}

/** @param {Movie} movie */
function showMovie(movie) {
  title.textContent = `${movie.title} (${movie.year})`;
  fields.replaceChildren();
  /**
   * @param {string} name
   * @param {string | Node} value
   */
  const add = (name, value) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.append(value);
    fields.append(dt, dd);
  };
  add('Year', String(movie.year));
  add('Genres', movie.genres.length > 0 ? movie.genres.join(', ') : '—');
  add('Cast', movie.cast.length > 0 ? movie.cast.join(', ') : '—');
  if (movie.href) add('Wikipedia', articleLink(movie.href));
  if (movie.thumbnail) add('Thumbnail', `${movie.thumbnail_width ?? '?'} × ${movie.thumbnail_height ?? '?'} px`);
  add('ID', movie.id);
  // Fields this page does not know yet are still shown, as the API sent them.
  for (const [name, value] of Object.entries(movie)) if (!KNOWN_FIELDS.has(name)) add(name, formatValue(value));

  showThumbnail(movie);
  extract.textContent = movie.extract ?? '';
  extract.hidden = !movie.extract;
}

/** @param {Movie | null} movie */
function showThumbnail(movie) {
  thumbnail.removeAttribute('width');
  thumbnail.removeAttribute('height');
  // Only https images: the page's Content-Security-Policy refuses others anyway.
  if (movie && typeof movie.thumbnail === 'string' && movie.thumbnail.startsWith('https://')) {
    thumbnail.src = movie.thumbnail;
    thumbnail.alt = `Thumbnail for ${movie.title}`;
    if (movie.thumbnail_width) thumbnail.width = movie.thumbnail_width;
    if (movie.thumbnail_height) thumbnail.height = movie.thumbnail_height;
    thumbnail.hidden = false;
  } else {
    thumbnail.removeAttribute('src');
    thumbnail.hidden = true;
  }
}

/**
 * Upstream `href` is a Wikipedia article name ("Mission:_Impossible_(film)"); an http(s) URL is used as it is.
 * @param {string} href
 */
function articleLink(href) {
  // Anything else, `javascript:` included, becomes an article name under the Wikipedia URL.
  const url = /^https?:\/\//i.test(href) ? href : `https://en.wikipedia.org/wiki/${encodeURIComponent(href)}`;
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener noreferrer';
  a.textContent = href.replace(/_/g, ' ');
  return a;
}

/** @param {HistoryEntry[]} items */
function showHistory(items) {
  historyRows.replaceChildren();
  for (const change of items) {
    const row = document.createElement('tr');
    const arrow = document.createElement('span');
    arrow.className = 'arrow';
    arrow.textContent = '→ ';
    const after = document.createElement('div');
    after.append(arrow, shortValue(change.new, 'new'));
    const before = document.createElement('div');
    before.append(shortValue(change.old, 'old'));
    const values = document.createElement('div');
    values.append(before, after);
    // Provider, object and time share a column: the panel is too narrow for five readable ones.
    const provider = document.createElement('div');
    provider.className = 'provider';
    provider.textContent = change.provider;
    const object = document.createElement('div');
    object.className = 'mono';
    object.textContent = change.object;
    const time = document.createElement('time');
    time.dateTime = change.lastModified;
    time.textContent = `${String(change.lastModified)
      .replace('T', ' ')
      .replace(/(\.\d+)?Z$/, '')} UTC`;
    const source = document.createElement('div');
    source.append(provider, object, time);
    row.append(cell(breakable(change.field)), cell(values), cell(source, 'source'));
    historyRows.append(row);
  }
  historyTable.hidden = items.length === 0;
  historyEmpty.hidden = items.length > 0;
}

/**
 * "thumbnail_height" may wrap after its underscores, and copies as it is (no invisible characters).
 * @param {string} name
 */
function breakable(name) {
  const fragment = document.createDocumentFragment();
  name.split('_').forEach((part, i) => {
    if (i > 0) fragment.append('_', document.createElement('wbr'));
    fragment.append(part);
  });
  return fragment;
}

/**
 * @param {unknown} value
 * @param {'old' | 'new'} className
 */
function shortValue(value, className) {
  const span = document.createElement('span');
  span.className = className;
  const text = formatValue(value);
  span.textContent = text.length > HISTORY_VALUE_CHARS ? `${text.slice(0, HISTORY_VALUE_CHARS)}…` : text;
  if (text !== span.textContent) span.title = text;
  return span;
}

/** @param {unknown} value */
function formatValue(value) {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.length > 0 ? value.map((v) => String(v)).join(', ') : '(none)';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
