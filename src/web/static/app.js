// The cinedex search page: a plain ES module, no build step, talking only to the public API.
// The page URL holds the state (?q=&year_from=&year_to=&sort=&title=&year=&cast=&genre=&movie=), so a
// search is a link. Data is always put on the page with textContent, never parsed as HTML: titles and
// names come from providers, and a highlight is built as <mark> elements around text nodes.

/** Every search field, in the order the URL lists them. */
const FIELDS = ['q', 'year_from', 'year_to', 'title', 'year', 'cast', 'genre'];
/** The fields behind "More filters": the disclosure opens by itself when a link sets one. */
const ADVANCED = ['title', 'year', 'cast', 'genre'];
/**
 * Fields that answer while typing. The others hold whole values (a year, a full name) that match
 * nothing, or are refused, while half typed; they apply when the field is left or Enter is pressed.
 */
const LIVE = new Set(['q', 'title']);
/** Long enough that a typist's burst makes one request, short enough to feel immediate. */
const DEBOUNCE_MS = 150;
/** Fields that take several comma-separated names, sent to the API as repeated parameters. */
const NAME_LISTS = new Set(['cast', 'genre']);
/** "Robert Downey, Jr." is one name: a suffix after a comma belongs to the name before it. */
const NAME_SUFFIX = /^(?:jr|sr)\.?$|^(?:ii|iii|iv)$/i;
const CAST_IN_TABLE = 3;
const HISTORY_VALUE_CHARS = 120;
const KNOWN_FIELDS = new Set(['id', 'title', 'year', 'cast', 'genres', 'href', 'extract', 'thumbnail', 'thumbnail_width', 'thumbnail_height']);
const number = new Intl.NumberFormat('en');

const el = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ (el('search'));
const sortControl = /** @type {HTMLSelectElement} */ (el('sort'));
const advanced = /** @type {HTMLDetailsElement} */ (el('advanced'));
const statusLine = el('status');
const errorLine = el('error');
const facetsPanel = el('facets');
const results = el('results');
const rows = el('rows');
const more = /** @type {HTMLButtonElement} */ (el('more'));
const details = el('details');

/** The list on screen: which search it answers, and where the next page starts. */
let list = {
  key: /** @type {string | null} */ (null),
  query: '',
  highlight: false,
  cursor: /** @type {string | null} */ (null),
  count: 0,
  total: 0,
};
/** The sort a person chose; '' lets the page pick (best match with words to rank by, newest without). */
let chosenSort = '';
/** The movie on screen in the details panel, if any. */
let shownMovie = /** @type {string | null} */ (null);
// Answers can arrive out of order (a short prefix matches far more movies than the word it grows into). A newer search
// aborts the older request, and the sequence number drops an answer that was already on its way.
let listRequest = new AbortController();
let listSequence = 0;
let detailsRequest = new AbortController();
let typingTimer = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);

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

/** The API's comparison of names (case and accents ignored), so a typed "drama" lights the Drama chip. */
function sameName(a, b) {
  const fold = (text) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
  return fold(a) === fold(b);
}

/** The sort the API will use: a chosen one, unless it is relevance with nothing to rank by. */
function effectiveSort(search) {
  if (search.sort && (search.sort !== 'relevance' || search.q)) return search.sort;
  return search.q ? 'relevance' : 'year:desc';
}

/** The page state from the URL: the raw field texts as typed, the chosen sort and the open movie. */
function readLocation() {
  const params = new URLSearchParams(location.search);
  const search = {};
  for (const field of FIELDS) search[field] = params.getAll(field).join(', ').trim();
  search.sort = params.get('sort') ?? '';
  return { search, movie: params.get('movie') };
}

function readForm() {
  const search = {};
  for (const field of FIELDS) search[field] = input(field).value.trim();
  search.sort = chosenSort;
  return search;
}

function input(field) {
  return /** @type {HTMLInputElement} */ (form.elements.namedItem(field));
}

/** A chosen sort, sent and kept in the link; none when it is relevance left without words to rank by. */
function sortParameter(search) {
  return search.sort && search.sort === effectiveSort(search) ? search.sort : '';
}

function pageUrl(search, movie) {
  const params = new URLSearchParams();
  for (const field of FIELDS) if (search[field]) params.set(field, search[field]);
  if (sortParameter(search)) params.set('sort', search.sort);
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
  if (sortParameter(search)) params.set('sort', search.sort);
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

/**
 * Runs a search. The old rows stay until the answer replaces them (marked busy), so typing does not
 * make the list flicker. The first page asks for the total and the facets; later pages need neither.
 */
async function runSearch(search, key) {
  listRequest.abort();
  listRequest = new AbortController();
  const signal = listRequest.signal;
  const sequence = ++listSequence;
  // Highlights mark the words of `q`; the other filters match whole fields, so there is nothing to mark.
  list = { key, query: apiQuery(search), highlight: search.q !== '', cursor: null, count: 0, total: 0 };
  more.hidden = true;
  results.setAttribute('aria-busy', 'true');
  document.title = `${describe(search)} · cinedex`;
  const extras = `${list.highlight ? 'highlight=true&' : ''}count=true&facets=genre,decade`;
  const answer = await getJson(`v1/movies?${list.query ? `${list.query}&` : ''}${extras}`, signal);
  if (!answer || sequence !== listSequence) return;
  results.removeAttribute('aria-busy');
  rows.replaceChildren();
  if (answer.error) {
    results.hidden = true;
    facetsPanel.hidden = true;
    setStatus('');
    showError(errorLine, answer.error);
    return;
  }
  showError(errorLine, '');
  list.total = answer.body.total ?? 0;
  showFacets(answer.body.facets ?? {}, search);
  showPage(answer.body);
}

async function loadMore() {
  if (!list.cursor) return;
  const signal = listRequest.signal;
  const sequence = listSequence;
  more.disabled = true;
  const extras = `${list.highlight ? 'highlight=true&' : ''}cursor=${encodeURIComponent(list.cursor)}`;
  const answer = await getJson(`v1/movies?${list.query ? `${list.query}&` : ''}${extras}`, signal);
  more.disabled = false;
  if (!answer || sequence !== listSequence) return;
  if (answer.error) {
    listStatus();
    showError(errorLine, `${answer.error} Press “More results” to try again.`);
    return;
  }
  showError(errorLine, '');
  const firstNew = rows.children.length;
  showPage(answer.body);
  // Keyboard users keep their place: on the button while there is more, else on the first new row.
  if (more.hidden) rows.children[firstNew]?.querySelector('button')?.focus();
}

function showPage(page) {
  for (const movie of page.items) rows.append(movieRow(movie, list.highlight));
  list.count += page.items.length;
  list.cursor = page.next_cursor;
  results.hidden = list.count === 0;
  more.hidden = !page.has_more;
  listStatus();
  markSelected();
}

function listStatus() {
  if (list.count === 0) setStatus('No movies match this search. Check the spelling, or use fewer words or filters.');
  // The total counts every match (count=true), the pages shown so far only some of them.
  else setStatus(`${number.format(list.total)} ${list.total === 1 ? 'movie matches' : 'movies match'} · ${list.count} shown.`);
}

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

/** The first few names, and every name the search matched wherever it stands, so a row shows why it matched. */
function castCell(cast, marks) {
  const shown = cast.filter((name, i) => i < CAST_IN_TABLE || Object.hasOwn(marks, name));
  const fragment = document.createDocumentFragment();
  shown.forEach((name, i) => {
    if (i > 0) fragment.append(', ');
    fragment.append(marked(name, marks[name]));
  });
  const rest = cast.length - shown.length;
  if (rest > 0) fragment.append(`, +${rest} more`);
  return fragment;
}

/**
 * `text` with the ranges `[start, end)` wrapped in <mark>. The ranges are UTF-16 offsets, which is
 * what String.prototype.slice counts; one that overlaps an earlier one or falls outside is skipped.
 */
function marked(text, ranges) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  const valid = (Array.isArray(ranges) ? ranges : []).filter(
    (range) => Array.isArray(range) && Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0] < range[1] && range[1] <= text.length,
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
 */
function rowThumbnail(movie) {
  // Only https images: the page's Content-Security-Policy refuses others anyway.
  if (typeof movie.thumbnail !== 'string' || !movie.thumbnail.startsWith('https://')) return null;
  const image = document.createElement('img');
  image.className = 'thumb';
  image.loading = 'lazy';
  image.decoding = 'async';
  image.alt = `Thumbnail for ${movie.title}`;
  if (Number.isInteger(movie.thumbnail_width) && movie.thumbnail_width > 0) image.width = movie.thumbnail_width;
  if (Number.isInteger(movie.thumbnail_height) && movie.thumbnail_height > 0) image.height = movie.thumbnail_height;
  // A dead link leaves nothing behind rather than a broken-image icon.
  image.addEventListener('error', () => image.remove());
  image.src = movie.thumbnail;
  return image;
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

// ---- facet chips ----

/**
 * Genre and decade chips with their counts. A facet's counts ignore its own filter, so a chip's count
 * is what choosing it alone gives: a genre chip therefore replaces the chosen genres instead of adding
 * one (the API would AND them, and the counts would no longer say what a click gives). A chosen value
 * is always shown, pressed, even when it is not among the values the API listed.
 */
function showFacets(facets, search) {
  const genres = splitNames(search.genre);
  const genreValues = (facets.genre ?? []).map(({ value, count }) => ({ value: String(value), count }));
  for (const name of genres) if (!genreValues.some((v) => sameName(v.value, name))) genreValues.unshift({ value: name, count: null });
  fillChips(
    el('genre-chips'),
    'genre',
    genreValues.map(({ value, count }) => ({ value, label: value, count, pressed: genres.some((name) => sameName(name, value)) })),
  );

  const chosen = chosenDecade(search);
  const decadeValues = (facets.decade ?? []).map(({ value, count }) => ({ value: Number(value), count }));
  if (chosen !== null && !decadeValues.some((v) => v.value === chosen)) decadeValues.push({ value: chosen, count: null });
  decadeValues.sort((a, b) => a.value - b.value);
  fillChips(
    el('decade-chips'),
    'decade',
    decadeValues.map(({ value, count }) => ({ value: String(value), label: `${value}s`, count, pressed: value === chosen })),
  );
  facetsPanel.hidden = genreValues.length === 0 && decadeValues.length === 0;
}

/** The decade the year range covers exactly (1990–1999), or null. */
function chosenDecade(search) {
  const from = Number(search.year_from);
  if (!/^\d{4}$/.test(search.year_from) || from % 10 !== 0 || search.year_to !== String(from + 9)) return null;
  return from;
}

function fillChips(container, facet, chips) {
  // Redrawing would drop the focus of a keyboard user who just pressed a chip: it moves to the new one.
  const active = document.activeElement;
  const focused = active instanceof HTMLElement && container.contains(active) ? active.dataset.value : null;
  container.replaceChildren();
  for (const chip of chips) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'chip';
    button.dataset.facet = facet;
    button.dataset.value = chip.value;
    button.setAttribute('aria-pressed', String(chip.pressed));
    const label = document.createElement('span');
    label.textContent = chip.label;
    button.append(label);
    if (chip.count !== null) {
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = number.format(chip.count);
      button.append(' ', count);
    }
    if (chip.pressed) {
      const remove = document.createElement('span');
      remove.className = 'remove';
      remove.setAttribute('aria-hidden', 'true');
      remove.textContent = '×';
      button.append(' ', remove);
      button.title = 'Remove this filter';
    }
    container.append(button);
    if (chip.value === focused) button.focus();
  }
  container.closest('.facet')?.toggleAttribute('hidden', chips.length === 0);
}

function toggleChip(button) {
  const { facet, value } = button.dataset;
  const pressed = button.getAttribute('aria-pressed') === 'true';
  if (facet === 'genre' && value) {
    const genre = input('genre');
    genre.value = pressed ? splitNames(genre.value).filter((name) => !sameName(name, value)).join(', ') : value;
  } else if (facet === 'decade' && value) {
    const from = Number(value);
    input('year_from').value = pressed ? '' : String(from);
    input('year_to').value = pressed ? '' : String(from + 9);
    // The decade counts ignore the exact year too, so the exact year goes: the count is then what the click gives.
    if (!pressed) input('year').value = '';
  }
  applyForm();
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

/** Shows what the URL says (on load, Back and Forward). The list is fetched again only when the search changed. */
function render({ force = false, focusDetails = false } = {}) {
  clearTimeout(typingTimer);
  const { search, movie } = readLocation();
  for (const field of FIELDS) input(field).value = search[field];
  chosenSort = search.sort;
  if (ADVANCED.some((field) => search[field])) advanced.open = true;
  showSort(search);
  const key = apiQuery(search);
  if (force || key !== list.key) void runSearch(search, key);
  if (movie && movie !== shownMovie) void openDetails(movie, focusDetails);
  else if (!movie && shownMovie) closeDetails();
}

/** Best match is offered only with words to rank by; the control always shows the order the list is in. */
function showSort(search) {
  const relevance = /** @type {HTMLOptionElement} */ (sortControl.querySelector('option[value="relevance"]'));
  relevance.hidden = !search.q;
  relevance.disabled = !search.q;
  sortControl.value = effectiveSort(search);
}

/**
 * Puts the form's search in the URL and runs it. A run of edits (keystrokes, chips, controls) is one
 * history entry, a draft: its first edit pushes the entry and the others replace it, so Back returns
 * to the search before the run instead of walking through every letter typed. Enter (`commit`) ends
 * the run, and searches again even when nothing changed, as a retry.
 */
function applyForm({ commit = false } = {}) {
  clearTimeout(typingTimer);
  const search = readForm();
  const url = pageUrl(search, readLocation().movie);
  const draft = history.state?.draft === true;
  if (url !== (location.search || location.pathname) || (commit && draft)) {
    history[draft ? 'replaceState' : 'pushState']({ draft: !commit }, '', url);
  }
  showSort(search);
  const key = apiQuery(search);
  if (commit || key !== list.key) void runSearch(search, key);
}

/** Opening or closing a movie is a step of its own; it also ends a run of edits. */
function navigate(url, options) {
  if (url !== (location.search || location.pathname)) history.pushState(null, '', url);
  render(options);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  applyForm({ commit: true });
});

form.addEventListener('input', (event) => {
  if (!(event.target instanceof HTMLInputElement) || !LIVE.has(event.target.name)) return;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(applyForm, DEBOUNCE_MS);
});

form.addEventListener('change', (event) => {
  if (event.target === sortControl) chosenSort = sortControl.value;
  else if (!(event.target instanceof HTMLInputElement) || LIVE.has(event.target.name)) return;
  // A turn later: Enter fires this and then submit, which cancels it and searches once, as a history step.
  clearTimeout(typingTimer);
  typingTimer = setTimeout(applyForm, 0);
});

facetsPanel.addEventListener('click', (event) => {
  const chip = event.target instanceof Element ? event.target.closest('button.chip') : null;
  if (chip instanceof HTMLElement) toggleChip(chip);
});

more.addEventListener('click', () => void loadMore());

rows.addEventListener('click', (event) => {
  const row = event.target instanceof Element ? event.target.closest('tr[data-id]') : null;
  if (!(row instanceof HTMLElement) || !row.dataset.id) return;
  // Selecting text in a row is not a request to open it.
  if (!(event.target instanceof HTMLButtonElement) && String(getSelection() ?? '') !== '') return;
  // The form, not the URL: the last keystrokes may still be waiting out the debounce.
  navigate(pageUrl(readForm(), row.dataset.id), { focusDetails: true });
});

el('close').addEventListener('click', () => {
  const id = shownMovie;
  navigate(pageUrl(readForm(), null));
  rows.querySelector(`tr[data-id="${CSS.escape(id ?? '')}"] button`)?.focus();
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !details.hidden) el('close').click();
});

window.addEventListener('popstate', () => render());
render();
