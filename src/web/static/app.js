// The cinedex search page: a plain ES module, no build step, talking only to the public API.
// The page URL holds the state (?title=&year=&cast=&genre=&movie=), so a search is a link and the
// back button works. Data is always put on the page with textContent, never parsed as HTML.

const FIELDS = ['title', 'year', 'cast', 'genre'];
/** Fields that take several comma-separated names, sent to the API as repeated parameters. */
const NAME_LISTS = new Set(['cast', 'genre']);
/** "Robert Downey, Jr." is one name: a suffix after a comma belongs to the name before it. */
const NAME_SUFFIX = /^(?:jr|sr)\.?$|^(?:ii|iii|iv)$/i;
const CAST_IN_TABLE = 3;
const HISTORY_VALUE_CHARS = 120;
const KNOWN_FIELDS = new Set(['id', 'title', 'year', 'cast', 'genres', 'href', 'extract', 'thumbnail', 'thumbnail_width', 'thumbnail_height']);

const el = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ (el('search'));
const statusLine = el('status');
const errorLine = el('error');
const results = el('results');
const rows = el('rows');
const more = /** @type {HTMLButtonElement} */ (el('more'));
const details = el('details');

/** The list on screen: which search it answers, and where the next page starts. */
let list = { key: /** @type {string | null} */ (null), query: '', cursor: /** @type {string | null} */ (null), count: 0 };
/** The movie on screen in the details panel, if any. */
let shownMovie = /** @type {string | null} */ (null);
// A newer search or movie makes older answers irrelevant: they are aborted, and ignored if they arrive anyway.
let listRequest = new AbortController();
let detailsRequest = new AbortController();

function splitNames(text) {
  const names = [];
  for (const part of text.split(',')) {
    const name = part.trim();
    if (name === '') continue;
    if (NAME_SUFFIX.test(name) && names.length > 0) names[names.length - 1] += `, ${name}`;
    else names.push(name);
  }
  return names;
}

/** The page state from the URL: the raw field texts as typed, and the movie whose details are open. */
function readLocation() {
  const params = new URLSearchParams(location.search);
  const search = {};
  for (const field of FIELDS) search[field] = params.getAll(field).join(', ').trim();
  return { search, movie: params.get('movie') };
}

function pageUrl(search, movie) {
  const params = new URLSearchParams();
  for (const field of FIELDS) if (search[field]) params.set(field, search[field]);
  if (movie) params.set('movie', movie);
  const query = params.toString();
  return query ? `?${query}` : location.pathname;
}

function apiQuery(search) {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    if (!search[field]) continue;
    if (NAME_LISTS.has(field)) for (const name of splitNames(search[field])) params.append(field, name);
    else params.set(field, search[field]);
  }
  return params.toString();
}

/**
 * GET from the API. Resolves to `{ body }`, or `{ error }` with a message for a person: the problem's
 * `detail` when the API sent one. `null` when the request was aborted by a newer one.
 */
async function getJson(path, signal) {
  let response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, signal });
    if (response.ok) return { body: await response.json() };
  } catch (error) {
    if (signal.aborted) return null;
    return { error: `The server could not be reached (${error instanceof Error ? error.message : String(error)}). Check your connection and try again.` };
  }
  let problem;
  try {
    problem = await response.json();
  } catch {
    problem = undefined;
  }
  if (signal.aborted) return null;
  const detail = problem && typeof problem.detail === 'string' ? problem.detail : problem && typeof problem.title === 'string' ? problem.title : '';
  return { error: detail || `The server answered ${response.status} ${response.statusText}.` };
}

function setStatus(text) {
  statusLine.textContent = text;
}

function showError(target, text) {
  target.textContent = text;
  target.hidden = !text;
}

function describe(search) {
  const parts = FIELDS.filter((field) => search[field]).map((field) => search[field]);
  return parts.length > 0 ? parts.join(' · ') : 'newest movies';
}

// ---- the result list ----

async function runSearch(search, key) {
  listRequest.abort();
  listRequest = new AbortController();
  const signal = listRequest.signal;
  list = { key, query: apiQuery(search), cursor: null, count: 0 };
  rows.replaceChildren();
  results.hidden = true;
  more.hidden = true;
  showError(errorLine, '');
  setStatus('Searching…');
  document.title = `${describe(search)} · cinedex`;
  const answer = await getJson(`v1/movies${list.query ? `?${list.query}` : ''}`, signal);
  if (!answer) return;
  if (answer.error) {
    setStatus('');
    showError(errorLine, answer.error);
    return;
  }
  showPage(answer.body, signal);
}

async function loadMore() {
  if (!list.cursor) return;
  const signal = listRequest.signal;
  more.disabled = true;
  setStatus('Loading more…');
  const cursor = `cursor=${encodeURIComponent(list.cursor)}`;
  const answer = await getJson(`v1/movies?${list.query ? `${list.query}&` : ''}${cursor}`, signal);
  more.disabled = false;
  if (!answer) return;
  if (answer.error) {
    listStatus(true);
    showError(errorLine, `${answer.error} Press “More results” to try again.`);
    return;
  }
  showError(errorLine, '');
  const firstNew = rows.children.length;
  showPage(answer.body, signal);
  // Keyboard users keep their place: on the button while there is more, else on the first new row.
  if (more.hidden) rows.children[firstNew]?.querySelector('button')?.focus();
}

function showPage(page, signal) {
  if (signal.aborted) return;
  for (const movie of page.items) rows.append(movieRow(movie));
  list.count += page.items.length;
  list.cursor = page.next_cursor;
  results.hidden = list.count === 0;
  more.hidden = !page.has_more;
  listStatus(page.has_more);
  markSelected();
}

function listStatus(hasMore) {
  if (list.count === 0) setStatus('No movies match this search. Check the spelling, or use fewer fields.');
  else setStatus(`${list.count} ${list.count === 1 ? 'movie' : 'movies'} shown${hasMore ? '; more are available' : ''}.`);
}

function movieRow(movie) {
  const row = document.createElement('tr');
  row.dataset.id = movie.id;
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'link';
  open.textContent = movie.title;
  open.setAttribute('aria-label', `${movie.title} (${movie.year}): show details`);
  const castShown = movie.cast.slice(0, CAST_IN_TABLE).join(', ');
  const castRest = movie.cast.length - CAST_IN_TABLE;
  row.append(
    cell(open),
    cell(String(movie.year), 'num'),
    cell(movie.genres.join(', ')),
    cell(castRest > 0 ? `${castShown}, +${castRest} more` : castShown),
  );
  return row;
}

function cell(content, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  td.append(content);
  return td;
}

function markSelected() {
  for (const row of rows.children) {
    if (row instanceof HTMLElement && row.dataset.id === shownMovie) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
}

// ---- the details panel ----

async function openDetails(id, focus) {
  detailsRequest.abort();
  detailsRequest = new AbortController();
  const signal = detailsRequest.signal;
  shownMovie = id;
  markSelected();
  details.hidden = false;
  el('details-body').hidden = true;
  showError(el('details-error'), '');
  el('details-title').textContent = 'Loading…';
  const path = `v1/movies/${encodeURIComponent(id)}`;
  const [movie, history] = await Promise.all([getJson(path, signal), getJson(`${path}/history`, signal)]);
  if (!movie || !history) return;
  // A deleted movie has no record but still has a history, so each half is shown if it came.
  if (movie.body) showMovie(movie.body);
  else clearMovie();
  showHistory(history.body ? history.body.items : []);
  // "No changes recorded" would be a claim: after a failed request nothing is known.
  if (history.error) el('history-empty').hidden = true;
  const errors = [...new Set([movie.error, history.error].filter(Boolean))];
  showError(el('details-error'), errors.join(' '));
  el('details-body').hidden = false;
  // Focus moves once there is something to read, so a screen reader starts at the title.
  if (focus) el('details-title').focus();
}

function closeDetails() {
  detailsRequest.abort();
  shownMovie = null;
  details.hidden = true;
  markSelected();
}

function clearMovie() {
  el('details-title').textContent = 'Movie';
  el('fields').replaceChildren();
  showThumbnail(null);
  el('extract').hidden = true;
}

function showMovie(movie) {
  el('details-title').textContent = `${movie.title} (${movie.year})`;
  const fields = el('fields');
  fields.replaceChildren();
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
  const extract = el('extract');
  extract.textContent = movie.extract ?? '';
  extract.hidden = !movie.extract;
}

function showThumbnail(movie) {
  const image = /** @type {HTMLImageElement} */ (el('thumbnail'));
  image.removeAttribute('width');
  image.removeAttribute('height');
  // Only https images: the page's Content-Security-Policy refuses others anyway.
  if (movie && typeof movie.thumbnail === 'string' && movie.thumbnail.startsWith('https://')) {
    image.src = movie.thumbnail;
    image.alt = `Thumbnail for ${movie.title}`;
    if (movie.thumbnail_width) image.width = movie.thumbnail_width;
    if (movie.thumbnail_height) image.height = movie.thumbnail_height;
    image.hidden = false;
  } else {
    image.removeAttribute('src');
    image.hidden = true;
  }
}

/** Upstream `href` is a Wikipedia article name ("Mission:_Impossible_(film)"); an http(s) URL is used as it is. */
function articleLink(href) {
  // Anything else, `javascript:` included, becomes an article name under the Wikipedia URL.
  const url = /^https?:\/\//i.test(href) ? href : `https://en.wikipedia.org/wiki/${encodeURIComponent(href)}`;
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener noreferrer';
  a.textContent = href.replace(/_/g, ' ');
  return a;
}

function showHistory(items) {
  const table = el('history');
  const body = el('history-rows');
  body.replaceChildren();
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
    time.textContent = `${String(change.lastModified).replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC`;
    const source = document.createElement('div');
    source.append(provider, object, time);
    row.append(cell(breakable(change.field)), cell(values), cell(source, 'source'));
    body.append(row);
  }
  table.hidden = items.length === 0;
  el('history-empty').hidden = items.length > 0;
}

/** "thumbnail_height" may wrap after its underscores, and copies as it is (no invisible characters). */
function breakable(name) {
  const fragment = document.createDocumentFragment();
  name.split('_').forEach((part, i) => {
    if (i > 0) fragment.append('_', document.createElement('wbr'));
    fragment.append(part);
  });
  return fragment;
}

function shortValue(value, className) {
  const span = document.createElement('span');
  span.className = className;
  const text = formatValue(value);
  span.textContent = text.length > HISTORY_VALUE_CHARS ? `${text.slice(0, HISTORY_VALUE_CHARS)}…` : text;
  if (text !== span.textContent) span.title = text;
  return span;
}

function formatValue(value) {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.length > 0 ? value.map((v) => String(v)).join(', ') : '(none)';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// ---- navigation ----

/** Shows what the URL says. The list is fetched again only when the search itself changed. */
function render({ force = false, focusDetails = false } = {}) {
  const { search, movie } = readLocation();
  for (const field of FIELDS) /** @type {HTMLInputElement} */ (form.elements.namedItem(field)).value = search[field];
  const key = apiQuery(search);
  if (force || key !== list.key) void runSearch(search, key);
  if (movie && movie !== shownMovie) void openDetails(movie, focusDetails);
  else if (!movie && shownMovie) closeDetails();
}

function navigate(url, options) {
  if (url !== (location.search || location.pathname)) history.pushState(null, '', url);
  render(options);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const search = {};
  for (const field of FIELDS) search[field] = /** @type {HTMLInputElement} */ (form.elements.namedItem(field)).value.trim();
  navigate(pageUrl(search, null), { force: true });
});

more.addEventListener('click', () => void loadMore());

rows.addEventListener('click', (event) => {
  const row = event.target instanceof Element ? event.target.closest('tr[data-id]') : null;
  if (!(row instanceof HTMLElement) || !row.dataset.id) return;
  // Selecting text in a row is not a request to open it.
  if (!(event.target instanceof HTMLButtonElement) && String(getSelection() ?? '') !== '') return;
  navigate(pageUrl(readLocation().search, row.dataset.id), { focusDetails: true });
});

el('close').addEventListener('click', () => {
  const id = shownMovie;
  navigate(pageUrl(readLocation().search, null));
  rows.querySelector(`tr[data-id="${CSS.escape(id ?? '')}"] button`)?.focus();
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !details.hidden) el('close').click();
});

window.addEventListener('popstate', () => render());
render();
