import { after, afterEach, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Movie } from '../../src/catalogue/movie.js';
import type { HistoryEntry } from '../../src/snapshot/catalogue-reader.js';
import { LiveCatalogue } from '../../src/live/live-catalogue.js';
import { SnapshotRefresher } from '../../src/live/refresher.js';
import { webRoutes } from '../../src/web/web-routes.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { launchChromium } from '../support/browser.js';
import { seededFolder, silent } from '../support/catalogue-store.js';
import { repoRoot } from '../support/paths.js';
import { seedIndex } from '../support/seed-index.js';

/**
 * The search page in a real browser against a real server: the seed, plus provider updates so that a
 * change history exists and one movie is deleted. Every expectation about data comes from the API itself.
 */
const THUMBNAILS = 'https://thumbs.example/';
// A 16×9 PNG, answered by the test for the thumbnail URL: the browser never leaves this machine.
const THUMBNAIL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAJCAIAAAC0SDtlAAAAFElEQVR42mOIrj1BEmIY1TAoNAAAXTDqAbXLwVQAAAAASUVORK5CYII=',
  'base64',
);
const SCREENSHOT = join(repoRoot, 'test-output/web/search-page.png');
const TYPING_SCREENSHOT = join(repoRoot, 'test-output/web/search-as-you-type.png');
const NARROW_SCREENSHOT = join(repoRoot, 'test-output/web/search-page-narrow.png');
// A provider's movie whose title is markup around a character outside the BMP: the page must show it as
// text, and UTF-16 highlight offsets land after the emoji's two code units. Its matched name is fifth in the cast.
const MARKUP_TITLE = '<img src=x onerror="document.title=\'pwned\'">🎬 <b>Zyxwardle</b> & Co.';
const MARKUP_CAST = ['Ann One', 'Bo Two', 'Cy Three', 'Di Four', 'Ada Zyxwardle', 'Ed Six'];

interface ListBody {
  items: (Movie & { _highlight?: { title: [number, number][]; cast: Record<string, [number, number][]> } })[];
  has_more: boolean;
  next_cursor: string | null;
  total?: number;
  facets?: { genre?: { value: string; count: number }[]; decade?: { value: number; count: number }[] };
}

let api: RunningApi;
let browser: Browser;
let cleanup: () => void;

before(async () => {
  const { movies } = seedIndex();
  const s = await seededFolder(movies);
  cleanup = () => rmSync(s.root, { recursive: true, force: true });
  const T = 1_700_000_000;
  s.drop(
    'acme/mission.json',
    [
      {
        title: 'Mission: Impossible',
        year: 1996,
        genres: ['Action', 'Thriller'],
        extract: 'An IMF agent is framed for the deaths of his team.',
        thumbnail: `${THUMBNAILS}mission-impossible.png`,
        thumbnail_width: 160,
        thumbnail_height: 90,
      },
    ],
    T,
  );
  const original = movies.find((m) => m.title === 'Mission: Impossible' && m.year === 1996) as Movie;
  s.drop('studio/cast.json', [{ title: 'Mission: Impossible', year: 1996, cast: [...original.cast, 'Emilio Estevez'] }], T + 3600);
  s.drop('acme/withdrawn.json', [{ title: 'Casablanca', year: 1942, deleted: true }], T + 7200);
  s.drop('acme/markup.json', [{ title: MARKUP_TITLE, year: 2001, genres: ['Comedy'], cast: MARKUP_CAST }], T + 10800);
  assert.ok((await s.ingest()).published);
  const live = new LiveCatalogue();
  assert.equal(await new SnapshotRefresher(s.repository, live, silent).refresh(), 'swapped');
  api = await startApi({ live, plugins: [webRoutes()] });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await api?.app.close();
  cleanup?.();
});

async function apiJson<T>(path: string): Promise<T> {
  const res = await fetch(api.base + path);
  assert.ok(res.status < 500, `${path} answered ${res.status}`);
  return (await res.json()) as T;
}

const VIEWPORT = { width: 1280, height: 900 };
/**
 * How long the page must wait after a key before it asks (form.js's `DEBOUNCE_MS`). The test's own expectation, not read
 * from the script: a page whose wait went to 0 would otherwise pass the debounce test with every key a request.
 */
const PAGE_DEBOUNCE_MS = 150;
/** The page events a test listens to; handing the page back removes every listener of these. */
const TEST_EVENTS = ['console', 'pageerror', 'request', 'response', 'requestfailed', 'requestfinished'] as const;

/**
 * The page the tests take turns on. A new page costs new renderer processes, ~3–4 s of CPU in their first
 * seconds whatever it shows, while a navigation within the site keeps its renderer (Playwright starts Chromium
 * without the back-forward cache): docs/investigations/testtime.md, "one page per file". Each test still starts from a new document
 * (new scripts, DOM and timers), with its own viewport, route and listeners, and is handed the page with storage
 * and cookies cleared. Undefined until the first test needs it, and again after a page that could not be reset.
 */
let shared: Page | undefined;
/** Whether a test holds the shared page: one that failed before handing it back has it reset by afterEach. */
let held = false;

afterEach(async () => {
  if (held && shared) await release(shared);
});

/**
 * A fresh document at `path` on the shared page. Requests leaving the test server are refused and recorded
 * (the thumbnail host is answered locally), and console errors are recorded: a CSP violation shows up as one.
 */
async function openPage(path = '/', viewport = VIEWPORT): Promise<{ page: Page; problems: string[] }> {
  assert.equal(held, false, 'one test at a time holds the shared page');
  if (!shared) {
    shared = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    shared.setDefaultTimeout(10_000);
  }
  const page = shared;
  held = true;
  await page.setViewportSize(viewport);
  const problems: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${api.base}/`)) return route.continue();
    if (url.startsWith(THUMBNAILS)) return route.fulfill({ status: 200, contentType: 'image/png', body: THUMBNAIL_PNG });
    problems.push(`request left the test server: ${url}`);
    return route.abort();
  });
  // The browser reports every 4xx answer as a console error; the API's problem answers are expected.
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(api.base + path);
  return { page, problems };
}

/**
 * Ends the test's document, then takes away what the test added to the page. The document ends first, so that a
 * request it makes until then is still refused and recorded as the test's. Chromium reports no console message of a
 * document's unload handlers when it navigates away (it does when a page closes): the 304 test, which closes its
 * own context, is the one that sees those.
 */
async function release(page: Page): Promise<void> {
  held = false;
  try {
    await page.goto('about:blank');
    // Not waiting for a handler still running: a test that failed may have left one waiting for ever.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    for (const event of TEST_EVENTS) page.removeAllListeners(event);
    // The page keeps nothing in storage today; if it ever does, no test may start from another's. After the
    // document has ended, as it may still write on its way out; `all` takes the tab's sessionStorage too.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: api.base, storageTypes: 'all' });
    await cdp.detach();
    // Where the mouse was last decides what the next document shows as hovered.
    await page.mouse.move(0, 0);
  } catch (error) {
    // A page that cannot be reset (it crashed, or a test closed it) is not handed on: the next test gets a new one.
    shared = undefined;
    await page
      .context()
      .close()
      .catch(() => undefined);
    throw error;
  }
}

async function closePage(page: Page, problems: string[]): Promise<void> {
  await release(page);
  assert.deepEqual(problems, []);
}

async function search(page: Page, fields: { title?: string; year?: string; cast?: string; genre?: string }): Promise<void> {
  // These fields are behind "More filters", as a person finds them.
  if ((await page.getAttribute('#advanced', 'open')) === null) await page.click('#advanced summary');
  for (const name of ['title', 'year', 'cast', 'genre'] as const) await page.fill(`#${name}`, fields[name] ?? '');
  // Enter in a field submits the form, as a person would search.
  await page.press('#title', 'Enter');
}

/** Waits until the table holds `count` rows and the list is settled, then reads it. */
async function tableRows(page: Page, count: number): Promise<{ id: string | null; cells: string[] }[]> {
  await page.locator('#status', { hasText: new RegExp(` · ${count} shown\\.$`) }).waitFor();
  await settled(page);
  const rows = page.locator('#rows tr');
  assert.equal(await rows.count(), count);
  const out = [];
  for (const row of await rows.all())
    out.push({ id: await row.getAttribute('data-id'), cells: (await row.locator('td').allInnerTexts()).map((t) => t.trim()) });
  return out;
}

type Listed = ListBody['items'][number];

/** The cast names a row shows: the first three, and every name the search matched wherever it stands. */
function shownCast(movie: Listed): string[] {
  return movie.cast.filter((name, i) => i < 3 || movie._highlight?.cast[name] !== undefined);
}

/** What a row must show for a movie: title, year, genres, and the names above with how many more there are. */
function expectedCells(movie: Listed): string[] {
  const shown = shownCast(movie);
  const rest = movie.cast.length - shown.length;
  const cast = rest > 0 ? `${shown.join(', ')}, +${rest} more` : shown.join(', ');
  return [movie.title, String(movie.year), movie.genres.join(', '), cast];
}

/** The texts a row must mark: the API's ranges cut out by UTF-16 offsets (what String#slice counts), title first. */
function markTexts(movie: Listed): string[] {
  const marks = movie._highlight;
  if (!marks) return [];
  const cut = (text: string, ranges: [number, number][]) =>
    [...ranges].sort((a, b) => a[0] - b[0]).map(([from, to]) => text.slice(from, to));
  return [...cut(movie.title, marks.title), ...shownCast(movie).flatMap((name) => cut(name, marks.cast[name] ?? []))];
}

/** Waits until no search is on its way: the page marks the list busy from a request until its answer is shown. */
async function settled(page: Page): Promise<void> {
  await page.locator('#results:not([aria-busy])').waitFor({ state: 'attached' });
}

/** Whether `url` asks for the first page of the list with these parameters (null: without it). */
function isListRequest(url: string, want: Record<string, string | null>): boolean {
  const { pathname, searchParams } = new URL(url);
  if (pathname !== '/v1/movies' || searchParams.has('cursor')) return false;
  return Object.entries(want).every(([name, value]) => (value === null ? !searchParams.has(name) : searchParams.get(name) === value));
}

/**
 * Does `action`, then waits for the list request with `want` that it causes to be answered and shown.
 * Returns that request's query string, so the test can put the same question to the API itself.
 */
async function searched(page: Page, want: Record<string, string | null>, action: () => Promise<unknown>): Promise<string> {
  const response = page.waitForResponse((r) => isListRequest(r.url(), want));
  await action();
  const { search } = new URL((await response).url());
  await settled(page);
  return search;
}

async function rowIds(page: Page): Promise<(string | null)[]> {
  return Promise.all((await page.locator('#rows tr').all()).map((row) => row.getAttribute('data-id')));
}

/** The total the status line announces ("8,744 movies match · 20 shown."). */
async function shownTotal(page: Page): Promise<number> {
  const match = /^([\d,]+) movies? match/.exec(await page.locator('#status').innerText());
  assert.ok(match, 'the status line gives the total');
  return Number(match[1]?.replace(/,/g, ''));
}

/** A facet's chips as a person reads them ("Drama 8,744"), and which are pressed. */
async function chips(page: Page, facet: 'genre' | 'decade'): Promise<{ text: string; value: string | null; pressed: boolean }[]> {
  const out = [];
  for (const chip of await page.locator(`#${facet}-chips button`).all()) {
    out.push({
      text: (await chip.innerText()).replace(/\s*×$/, '').replace(/\s+/g, ' '),
      value: await chip.getAttribute('data-value'),
      pressed: (await chip.getAttribute('aria-pressed')) === 'true',
    });
  }
  return out;
}

const count = (n: number): string => n.toLocaleString('en');

async function screenshot(page: Page, path: string): Promise<void> {
  mkdirSync(join(repoRoot, 'test-output/web'), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  assert.ok(statSync(path).size > 1000);
  assert.deepEqual([...readFileSync(path).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
}

function display(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : '(none)';
  return String(value);
}

test('a search by title and cast shows the API answer as a table, and the URL links to it', async () => {
  const { page, problems } = await openPage();
  await search(page, { title: 'mission', cast: 'Tom Cruise' });
  const answer = await apiJson<ListBody>('/v1/movies?title=mission&cast=Tom+Cruise');
  assert.ok(answer.items.length > 1 && !answer.has_more, 'the seed has a few Mission: Impossible films with Tom Cruise');
  const rows = await tableRows(page, answer.items.length);
  assert.deepEqual(
    rows.map((r) => r.id),
    answer.items.map((m) => m.id),
  );
  assert.deepEqual(
    rows.map((r) => r.cells),
    answer.items.map(expectedCells),
  );
  assert.equal(await page.isHidden('#more'), true, 'no more button when has_more is false');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('title'), 'mission');
  assert.equal(url.searchParams.get('cast'), 'Tom Cruise');
  await closePage(page, problems);

  // The same URL opened afresh, in a new document, shows the same search.
  const { page: linked, problems: linkedProblems } = await openPage(`${url.pathname}${url.search}`);
  assert.deepEqual(
    (await tableRows(linked, answer.items.length)).map((r) => r.id),
    answer.items.map((m) => m.id),
  );
  assert.equal(await linked.inputValue('#title'), 'mission');
  await closePage(linked, linkedProblems);
});

test('"More results" follows next_cursor and appends the next page without duplicates', async () => {
  const { page, problems } = await openPage('/?cast=Tom+Cruise');
  const first = await apiJson<ListBody>('/v1/movies?cast=Tom+Cruise');
  assert.ok(first.has_more && first.next_cursor, 'Tom Cruise has more than one page of films in the seed');
  assert.deepEqual(
    (await tableRows(page, first.items.length)).map((r) => r.id),
    first.items.map((m) => m.id),
  );
  const second = await apiJson<ListBody>(`/v1/movies?cast=Tom+Cruise&cursor=${encodeURIComponent(first.next_cursor)}`);
  await page.click('#more');
  const rows = await tableRows(page, first.items.length + second.items.length);
  const ids = rows.map((r) => r.id);
  assert.deepEqual(
    ids,
    [...first.items, ...second.items].map((m) => m.id),
  );
  assert.equal(new Set(ids).size, ids.length, 'no movie twice');
  assert.deepEqual(
    rows.slice(first.items.length).map((r) => r.cells),
    second.items.map(expectedCells),
  );
  assert.equal(await page.isVisible('#more'), second.has_more);
  await closePage(page, problems);
});

test('a name with ", Jr." stays one name; several names are sent as repeated parameters', async () => {
  const { page, problems } = await openPage();
  await search(page, { cast: 'Robert Downey, Jr., Gwyneth Paltrow' });
  const answer = await apiJson<ListBody>(`/v1/movies?cast=${encodeURIComponent('Robert Downey, Jr.')}&cast=Gwyneth+Paltrow`);
  assert.ok(answer.items.length > 0);
  assert.deepEqual(
    (await tableRows(page, answer.items.length)).map((r) => r.id),
    answer.items.map((m) => m.id),
  );
  await closePage(page, problems);
});

test("a movie's details show every field and its change history, newest first; an unchanged movie says so", async () => {
  const { page, problems } = await openPage('/?title=mission&cast=Tom+Cruise');
  const answer = await apiJson<ListBody>('/v1/movies?title=mission&cast=Tom+Cruise');
  await tableRows(page, answer.items.length);
  const changed = answer.items.find((m) => m.title === 'Mission: Impossible' && m.year === 1996) as Movie;
  const movie = await apiJson<Movie>(`/v1/movies/${changed.id}`);
  const history = (await apiJson<{ items: HistoryEntry[] }>(`/v1/movies/${changed.id}/history`)).items;
  assert.ok(history.length >= 2 && movie.extract && movie.thumbnail, 'the provider updates were ingested');

  await page.click(`#rows tr[data-id="${changed.id}"] button`);
  await page.locator('#details-title', { hasText: movie.title }).waitFor();
  await page.locator('#history-rows tr').first().waitFor();
  assert.equal(new URL(page.url()).searchParams.get('movie'), movie.id);
  assert.equal(await page.locator('#details-title').textContent(), `${movie.title} (${movie.year})`);
  const fields = await page.locator('#fields').innerText();
  for (const value of [movie.cast.join(', '), movie.genres.join(', '), movie.id, `${movie.thumbnail_width} × ${movie.thumbnail_height}`])
    assert.ok(fields.includes(value), `details show ${value}`);
  assert.equal(await page.locator('#extract').textContent(), movie.extract);
  const image = page.locator('#thumbnail');
  assert.equal(await image.getAttribute('src'), movie.thumbnail);
  // A string runs in the page without DOM types here: the image's natural width once it has loaded, -1 if it failed.
  const loaded = `new Promise((done) => { const img = document.getElementById('thumbnail');
    if (img.complete) done(img.naturalWidth || -1); else { img.onload = () => done(img.naturalWidth); img.onerror = () => done(-1); } })`;
  assert.equal(await page.evaluate(loaded), 16, 'the thumbnail loaded under the CSP');
  assert.equal(await page.isHidden('#history-empty'), true);

  const historyRows = page.locator('#history-rows tr');
  assert.equal(await historyRows.count(), history.length);
  for (const [i, change] of history.entries()) {
    const row = historyRows.nth(i);
    const cells = (await row.locator('td').allInnerTexts()).map((t) => t.trim());
    assert.equal(cells.length, 3);
    assert.equal(cells[0], change.field);
    assert.equal(cells[1]?.replace(/\s+/g, ' '), `${display(change.old)} → ${display(change.new)}`);
    assert.deepEqual(cells[2]?.split('\n').slice(0, 2), [change.provider, change.object]);
    assert.equal(await row.locator('time').getAttribute('datetime'), change.lastModified);
  }
  await screenshot(page, SCREENSHOT);

  // Another movie, from the keyboard: its history is empty, and the page says so.
  const unchanged = answer.items.find((m) => m.id !== changed.id) as Movie;
  assert.deepEqual((await apiJson<{ items: unknown[] }>(`/v1/movies/${unchanged.id}/history`)).items, []);
  await page.focus(`#rows tr[data-id="${unchanged.id}"] button`);
  await page.keyboard.press('Enter');
  await page.locator('#details-title', { hasText: unchanged.title }).waitFor();
  await page.locator('#history-empty').waitFor();
  assert.equal(await page.isHidden('#history'), true);
  assert.match(await page.locator('#history-empty').innerText(), /no changes recorded/i);

  // Back returns to the first movie; Escape closes the details.
  await page.goBack();
  await page.locator('#details-title', { hasText: `${movie.title} (${movie.year})` }).waitFor();
  await page.keyboard.press('Escape');
  await page.locator('#details').waitFor({ state: 'hidden' });
  assert.equal(new URL(page.url()).searchParams.get('movie'), null);
  await closePage(page, problems);
});

test("errors show the API's detail, an empty result says so, and back returns to the previous search", async () => {
  const { page, problems } = await openPage();
  await search(page, { year: 'abc' });
  const bad = await fetch(`${api.base}/v1/movies?year=abc`);
  assert.equal(bad.status, 400);
  const { detail } = (await bad.json()) as { detail: string };
  await page.locator('#error', { hasText: detail }).waitFor();
  assert.equal(await page.locator('#error').innerText(), detail);
  assert.equal(await page.isHidden('#results'), true);

  await search(page, { title: 'zzzzqqqxx' });
  assert.deepEqual((await apiJson<ListBody>('/v1/movies?title=zzzzqqqxx')).items, []);
  await page.locator('#status', { hasText: /no movies match/i }).waitFor();
  assert.equal(await page.isHidden('#error'), true, 'the old error is gone');
  assert.equal(await page.isHidden('#results'), true);

  await page.goBack();
  await page.locator('#error', { hasText: detail }).waitFor();
  assert.equal(await page.inputValue('#year'), 'abc');
  assert.equal(await page.inputValue('#title'), '');
  await closePage(page, problems);
});

test("a deleted movie shows the API's 404 detail and still its history; an unknown id shows the detail alone", async () => {
  const deleted = seedIndex().movies.find((m) => m.title === 'Casablanca' && m.year === 1942) as Movie;
  const gone = await fetch(`${api.base}/v1/movies/${deleted.id}`);
  assert.equal(gone.status, 404);
  const { detail } = (await gone.json()) as { detail: string };
  const history = (await apiJson<{ items: HistoryEntry[] }>(`/v1/movies/${deleted.id}/history`)).items;
  assert.ok(
    history.some((change) => change.field === 'deleted'),
    'the deletion is audited',
  );

  // First a movie with every field, then the deleted one in the same document, as Back and Forward would.
  const full = (await apiJson<ListBody>('/v1/movies?title=mission&cast=Tom+Cruise&year=1996')).items[0] as Movie;
  const { page, problems } = await openPage(`/?movie=${full.id}`);
  await page.locator('#extract').waitFor();
  await page.evaluate(`history.pushState(null, '', '?movie=${deleted.id}'); dispatchEvent(new PopStateEvent('popstate'))`);
  await page.locator('#details-error', { hasText: detail }).waitFor();
  assert.equal(await page.isHidden('#thumbnail'), true);
  assert.equal(await page.isHidden('#extract'), true);
  assert.equal(await page.locator('#details-error').innerText(), detail);
  await page.locator('#history-rows tr').first().waitFor();
  assert.equal(await page.locator('#history-rows tr').count(), history.length);
  assert.equal((await page.locator('#history-rows tr td').first().innerText()).trim(), history[0]?.field);
  assert.equal(await page.locator('#fields > *').count(), 0, 'no fields of another movie linger');

  // Both requests fail with the same detail for an unknown id: it is shown once, and no history is claimed.
  const unknown = '0000000000000000';
  const { detail: unknownDetail } = (await (await fetch(`${api.base}/v1/movies/${unknown}`)).json()) as { detail: string };
  await page.goto(`${api.base}/?title=casablanca&movie=${unknown}`);
  await page.locator('#details-error', { hasText: unknownDetail }).waitFor();
  assert.equal(await page.locator('#details-error').innerText(), unknownDetail);
  assert.equal(await page.isHidden('#history'), true);
  assert.equal(await page.isHidden('#history-empty'), true);
  const others = await apiJson<ListBody>('/v1/movies?title=casablanca');
  assert.ok(others.items.every((m) => m.id !== deleted.id));
  assert.deepEqual(
    (await tableRows(page, others.items.length)).map((r) => r.id),
    others.items.map((m) => m.id),
  );
  await closePage(page, problems);
});

test('a misspelt title typed into the box finds the right movie first, marked, with one request for a burst of keys', async () => {
  const newest = await apiJson<ListBody>('/v1/movies');
  for (const [typed, title] of [
    ['matirx', 'The Matrix'],
    ['godfater', 'The Godfather'],
  ] as const) {
    const answer = await apiJson<ListBody>(`/v1/movies?q=${typed}&highlight=true&count=true`);
    assert.equal(answer.items[0]?.title, title, `the API ranks ${title} first for "${typed}"`);
    const { page, problems } = await openPage();
    await tableRows(page, newest.items.length);
    const asked: string[] = [];
    page.on('request', (request) => {
      const q = new URL(request.url()).searchParams.get('q');
      if (q !== null) asked.push(q);
    });
    // When each letter reached the page, by the page's own clock: under load the keys arrive further apart than
    // they were sent, and a pause past the debounce rightly lets the word so far be asked for.
    await page.evaluate(`window.inputTimes = [];
      addEventListener('input', () => window.inputTimes.push(performance.now()), true);`);
    // A pause between keys shorter than the debounce: without a debounce, each key would make a request
    // (keys sent with no pause at all are taken ahead of the page's timers, and would prove nothing).
    await searched(page, { q: typed }, () => page.locator('#q').pressSequentially(typed, { delay: 40 }));
    const times = await page.evaluate<number[]>('window.inputTimes');
    assert.equal(times.length, typed.length, 'one input event a letter');
    // A debounced page asks once after the last letter, and once more for each pause between letters at least as
    // long as its wait (the browser's timer never fires early; 2 ms of slack for its clock's coarsening); a page
    // asking on every key asks once a letter whatever the pauses.
    const pauses = times.slice(1).filter((at, i) => at - (times[i] ?? at) >= PAGE_DEBOUNCE_MS - 2).length;
    assert.ok(
      asked.length <= 1 + pauses,
      `${asked.length} requests for ${typed.length} letters with ${pauses} pauses past the debounce: ${asked.join(', ')}`,
    );
    assert.equal(asked.at(-1), typed);
    for (const q of asked) assert.ok(typed.startsWith(q), `"${q}" was typed on the way to "${typed}"`);

    const rows = await tableRows(page, answer.items.length);
    assert.deepEqual(
      rows.map((r) => r.id),
      answer.items.map((m) => m.id),
    );
    assert.deepEqual(
      rows.map((r) => r.cells),
      answer.items.map(expectedCells),
    );
    const first = answer.items[0] as Listed;
    assert.ok(first._highlight && first._highlight.title.length > 0, 'the API marks the title');
    const marks = await page.locator('#rows tr').first().locator('mark').allTextContents();
    assert.deepEqual(marks, markTexts(first));
    assert.ok(marks.length > 0);
    assert.equal(await shownTotal(page), answer.total);
    assert.equal(new URL(page.url()).searchParams.get('q'), typed);
    assert.equal(await page.inputValue('#sort'), 'relevance', 'words to rank by: best match first');
    if (typed === 'godfater') await screenshot(page, TYPING_SCREENSHOT);
    await closePage(page, problems);
  }
});

test('when no movie matches every word typed, the list shows those matching the most and the count line says so', async () => {
  const typed = 'jurassic park dinosaur';
  const answer = await apiJson<ListBody & { partial?: { words: number; matched: number } }>(
    `/v1/movies?q=${encodeURIComponent(typed)}&highlight=true&count=true`,
  );
  assert.deepEqual(answer.partial, { words: 3, matched: 2 }, 'the API answers with partial matches');
  const { page, problems } = await openPage();
  await searched(page, { q: typed }, () => page.locator('#q').fill(typed));
  const rows = await tableRows(page, answer.items.length);
  assert.deepEqual(
    rows.map((r) => r.id),
    answer.items.map((m) => m.id),
  );
  const status = await page.locator('#status').innerText();
  assert.match(status, /^No movie matches every word\. [\d,]+ movies? match 2 of the 3 words · \d+ shown\.$/);
  await closePage(page, problems);
});

test('a slower answer for an earlier prefix never replaces the answer for what was typed last', async () => {
  const { page, problems } = await openPage();
  await tableRows(page, (await apiJson<ListBody>('/v1/movies')).items.length);
  // The answer for "god" is held back until the answer for "godfater" is on the page.
  let release = (): void => undefined;
  const held = new Promise<void>((done) => (release = done));
  let handled: Promise<void> = Promise.resolve();
  await page.route(
    (url) => isListRequest(url.href, { q: 'god' }),
    (route) => {
      handled = held.then(() => route.continue().catch(() => undefined)); // the page may have aborted it meanwhile
      return handled;
    },
  );
  const early = page.waitForRequest((request) => isListRequest(request.url(), { q: 'god' }));
  await page.locator('#q').pressSequentially('god');
  const stale = await early;
  let staleOutcome = 'pending';
  page.on('requestfailed', (request) => request === stale && (staleOutcome = 'aborted'));
  page.on('requestfinished', (request) => request === stale && (staleOutcome = 'answered'));

  const query = await searched(page, { q: 'godfater' }, () => page.locator('#q').pressSequentially('fater'));
  const answer = await apiJson<ListBody>(`/v1/movies${query}`);
  const other = await apiJson<ListBody>('/v1/movies?q=god&count=true');
  assert.notDeepEqual(
    other.items.map((m) => m.id),
    answer.items.map((m) => m.id),
    'the two answers differ, so a stale one would show',
  );
  assert.deepEqual(
    (await tableRows(page, answer.items.length)).map((r) => r.id),
    answer.items.map((m) => m.id),
  );

  release();
  await handled;
  // The page's own turn to misbehave: had it taken the stale answer, it would be on the page by now.
  await page.evaluate('new Promise((done) => setTimeout(done, 300))');
  assert.notEqual(staleOutcome, 'pending', 'the held request ended');
  assert.deepEqual(
    await rowIds(page),
    answer.items.map((m) => m.id),
    `after the stale answer (${staleOutcome})`,
  );
  assert.equal(await shownTotal(page), answer.total);
  assert.equal(await page.inputValue('#q'), 'godfater');
  assert.equal(new URL(page.url()).searchParams.get('q'), 'godfater');
  await closePage(page, problems);
});

test('a genre chip narrows to its count, the other genres keep theirs, and pressing it again removes it', async () => {
  const before = await apiJson<ListBody>('/v1/movies?q=love&count=true&facets=genre,decade');
  const genres = before.facets?.genre ?? [];
  const { page, problems } = await openPage('/?q=love');
  await tableRows(page, before.items.length);
  assert.deepEqual(
    (await chips(page, 'genre')).map((c) => c.text),
    genres.map((g) => `${g.value} ${count(g.count)}`),
  );
  // Not the largest genre, so choosing it is a real narrowing.
  const chosen = genres[1];
  assert.ok(chosen && before.total !== undefined && chosen.count < before.total);

  const chip = page.locator(`#genre-chips button[data-value="${chosen.value}"]`);
  const query = await searched(page, { q: 'love', genre: chosen.value }, () => chip.click());
  const after = await apiJson<ListBody>(`/v1/movies${query}`);
  assert.equal(after.total, chosen.count, "a chip's count is what choosing it gives");
  assert.equal(await shownTotal(page), after.total);
  assert.ok(after.total < before.total, 'the total drops');
  assert.deepEqual(
    await rowIds(page),
    after.items.map((m) => m.id),
  );
  assert.ok(after.items.every((m) => m.genres.includes(chosen.value)));
  assert.equal(new URL(page.url()).searchParams.get('genre'), chosen.value);
  assert.equal(await page.inputValue('#genre'), chosen.value, 'the genre field says what the chip chose');
  // The genre facet ignores its own filter, so the other genres are still offered, with the API's counts.
  const shown = await chips(page, 'genre');
  assert.deepEqual(
    shown.map((c) => c.text),
    (after.facets?.genre ?? []).map((g) => `${g.value} ${count(g.count)}`),
  );
  assert.ok(shown.length > 1);
  assert.deepEqual(
    shown.filter((c) => c.pressed).map((c) => c.value),
    [chosen.value],
  );
  assert.match(await chip.innerText(), /×/, 'a chosen chip shows how to remove it');

  await searched(page, { q: 'love', genre: null }, () => chip.locator('.remove').click());
  assert.equal(await shownTotal(page), before.total);
  assert.equal(new URL(page.url()).searchParams.get('genre'), null);
  assert.equal(await page.inputValue('#genre'), '');
  assert.ok((await chips(page, 'genre')).every((c) => !c.pressed));
  await closePage(page, problems);
});

test('a decade chip sets the year range to that decade, and pressing it again clears the range', async () => {
  const before = await apiJson<ListBody>('/v1/movies?q=love&count=true&facets=genre,decade');
  const decades = before.facets?.decade ?? [];
  const { page, problems } = await openPage('/?q=love');
  await tableRows(page, before.items.length);
  assert.deepEqual(
    (await chips(page, 'decade')).map((c) => c.text),
    decades.map((d) => `${d.value}s ${count(d.count)}`),
  );
  const chosen = [...decades].sort((a, b) => b.count - a.count)[0];
  assert.ok(chosen && before.total !== undefined && chosen.count < before.total);
  const from = String(chosen.value);
  const to = String(chosen.value + 9);

  const chip = page.locator(`#decade-chips button[data-value="${from}"]`);
  const query = await searched(page, { q: 'love', year_from: from, year_to: to }, () => chip.click());
  assert.equal(await page.inputValue('#year_from'), from);
  assert.equal(await page.inputValue('#year_to'), to);
  const url = new URL(page.url()).searchParams;
  assert.deepEqual([url.get('year_from'), url.get('year_to')], [from, to]);
  const after = await apiJson<ListBody>(`/v1/movies${query}`);
  assert.equal(after.total, chosen.count);
  assert.equal(await shownTotal(page), after.total);
  assert.deepEqual(
    await rowIds(page),
    after.items.map((m) => m.id),
  );
  assert.ok(after.items.every((m) => m.year >= chosen.value && m.year <= chosen.value + 9));
  assert.deepEqual(
    (await chips(page, 'decade')).filter((c) => c.pressed).map((c) => c.value),
    [from],
  );
  assert.ok((await chips(page, 'decade')).length > 1, 'the other decades are still offered');

  await searched(page, { q: 'love', year_from: null, year_to: null }, () => chip.click());
  assert.equal(await page.inputValue('#year_from'), '');
  assert.equal(await page.inputValue('#year_to'), '');
  assert.equal(await shownTotal(page), before.total);
  await closePage(page, problems);
});

test('the sort control orders the list, and offers best match only while there are words to rank by', async () => {
  const newest = await apiJson<ListBody>('/v1/movies');
  const { page, problems } = await openPage();
  await tableRows(page, newest.items.length);
  assert.equal(await page.inputValue('#sort'), 'year:desc');
  assert.equal(await page.locator('#sort option[value="relevance"]').isDisabled(), true);

  let query = await searched(page, { sort: 'title:asc' }, () => page.selectOption('#sort', 'title:asc'));
  const byTitle = await apiJson<ListBody>(`/v1/movies${query}`);
  assert.notDeepEqual(
    byTitle.items.map((m) => m.id),
    newest.items.map((m) => m.id),
  );
  assert.deepEqual(
    await rowIds(page),
    byTitle.items.map((m) => m.id),
  );
  assert.equal(new URL(page.url()).searchParams.get('sort'), 'title:asc');

  // Words typed keep the order chosen; best match is now on offer.
  query = await searched(page, { q: 'love', sort: 'title:asc' }, () => page.locator('#q').pressSequentially('love'));
  const loveByTitle = await apiJson<ListBody>(`/v1/movies${query}`);
  assert.deepEqual(
    await rowIds(page),
    loveByTitle.items.map((m) => m.id),
  );
  assert.equal(await page.locator('#sort option[value="relevance"]').isDisabled(), false);
  await searched(page, { q: 'love', sort: 'relevance' }, () => page.selectOption('#sort', 'relevance'));
  const loveBest = await apiJson<ListBody>('/v1/movies?q=love');
  assert.notDeepEqual(
    loveBest.items.map((m) => m.id),
    loveByTitle.items.map((m) => m.id),
  );
  assert.deepEqual(
    await rowIds(page),
    loveBest.items.map((m) => m.id),
  );

  // Without words there is nothing to rank by: the list is newest first again.
  await searched(page, { q: null, sort: null }, () => page.fill('#q', ''));
  assert.equal(await page.inputValue('#sort'), 'year:desc');
  assert.equal(await page.locator('#sort option[value="relevance"]').isDisabled(), true);
  assert.deepEqual(
    await rowIds(page),
    newest.items.map((m) => m.id),
  );
  await closePage(page, problems);
});

test('"More results" continues a search by words, and marks the matches in the rows it adds', async () => {
  const first = await apiJson<ListBody>('/v1/movies?q=love&highlight=true&count=true');
  assert.ok(first.has_more && first.next_cursor);
  const second = await apiJson<ListBody>(`/v1/movies?q=love&highlight=true&cursor=${encodeURIComponent(first.next_cursor)}`);
  const { page, problems } = await openPage('/?q=love');
  await tableRows(page, first.items.length);
  await page.click('#more');
  const rows = await tableRows(page, first.items.length + second.items.length);
  assert.deepEqual(
    rows.map((r) => r.id),
    [...first.items, ...second.items].map((m) => m.id),
  );
  const added = page.locator('#rows tr');
  for (const [i, movie] of second.items.entries()) {
    assert.deepEqual(
      await added
        .nth(first.items.length + i)
        .locator('mark')
        .allTextContents(),
      markTexts(movie),
      movie.title,
    );
  }
  assert.ok(second.items.some((m) => markTexts(m).length > 0));
  assert.equal(await shownTotal(page), first.total, 'the total is still that of the whole search');
  assert.equal(await page.isVisible('#more'), second.has_more);
  await closePage(page, problems);
});

test('a movie with a thumbnail shows it in its row, lazily and at its size; rows without one have no image', async () => {
  const answer = await apiJson<ListBody>('/v1/movies?q=mission+impossible');
  const pictured = answer.items.filter((m) => m.thumbnail);
  assert.ok(pictured.length > 0 && pictured.length < answer.items.length, 'the provider gave one of these movies a thumbnail');
  const { page, problems } = await openPage('/?q=mission+impossible');
  await tableRows(page, answer.items.length);
  for (const movie of answer.items) {
    const images = page.locator(`#rows tr[data-id="${movie.id}"] img`);
    assert.equal(await images.count(), movie.thumbnail ? 1 : 0, movie.title);
    if (!movie.thumbnail) continue;
    assert.equal(await images.getAttribute('src'), movie.thumbnail);
    assert.equal(await images.getAttribute('width'), String(movie.thumbnail_width));
    assert.equal(await images.getAttribute('height'), String(movie.thumbnail_height));
    assert.equal(await images.getAttribute('loading'), 'lazy');
    assert.ok((await images.getAttribute('alt'))?.includes(movie.title), 'the image says what it is');
    // The image's natural width once it has loaded, -1 if it failed.
    const loaded = `new Promise((done) => { const img = document.querySelector('#rows tr[data-id="${movie.id}"] img');
      if (img.complete) done(img.naturalWidth || -1); else { img.onload = () => done(img.naturalWidth); img.onerror = () => done(-1); } })`;
    assert.equal(await page.evaluate(loaded), 16, 'the thumbnail loaded under the CSP');
  }
  await closePage(page, problems);
});

test('markup in a title is shown as text, and highlights after an emoji mark the right letters', async () => {
  const answer = await apiJson<ListBody>('/v1/movies?q=zyxwardl&highlight=true');
  assert.equal(answer.items.length, 1);
  const movie = answer.items[0] as Listed;
  assert.equal(movie.title, MARKUP_TITLE);
  const expected = markTexts(movie);
  assert.ok(expected.length >= 2 && expected.every((text) => /^zyxwardle$/i.test(text)), `the API's ranges: ${expected.join(', ')}`);

  const { page, problems } = await openPage('/?q=zyxwardl');
  const [row] = await tableRows(page, 1);
  assert.deepEqual(row?.cells, expectedCells(movie));
  assert.equal(row?.cells[3], 'Ann One, Bo Two, Cy Three, Ada Zyxwardle, +2 more', 'the matched name is shown though fifth');
  const line = page.locator('#rows tr').first();
  assert.equal(await line.locator('button').first().textContent(), MARKUP_TITLE);
  assert.equal(await line.locator('img, b').count(), 0, 'no element was made from the data');
  assert.deepEqual(await line.locator('mark').allTextContents(), expected);
  assert.doesNotMatch(await page.title(), /pwned/);
  await closePage(page, problems);
});

test('on a phone-sized screen nothing is wider than the screen; a year range the API refuses shows its detail', async () => {
  const answer = await apiJson<ListBody>('/v1/movies?q=godfater&count=true');
  const { page, problems } = await openPage('/?q=godfater', { width: 375, height: 800 });
  await tableRows(page, answer.items.length);
  assert.ok((await chips(page, 'genre')).length > 0);
  const overflow = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';
  assert.equal(await page.evaluate(overflow), 0, 'no sideways scrolling');
  // Every control has a label, and the count is announced.
  const unlabelled = `[...document.querySelectorAll('#search input, #search select')].filter((c) => c.labels.length === 0).map((c) => c.id)`;
  assert.deepEqual(await page.evaluate(unlabelled), []);
  assert.equal(await page.getAttribute('#status', 'aria-live'), 'polite');
  await screenshot(page, NARROW_SCREENSHOT);

  const refused = await fetch(`${api.base}/v1/movies?q=godfater&year_from=2000&year_to=1990`);
  assert.equal(refused.status, 400);
  const { detail } = (await refused.json()) as { detail: string };
  await page.fill('#year_from', '2000');
  await page.fill('#year_to', '1990');
  await page.press('#year_to', 'Enter');
  await page.locator('#error', { hasText: detail }).waitFor();
  assert.equal(await page.locator('#error').innerText(), detail);
  assert.equal(await page.isHidden('#results'), true);
  assert.equal(await page.evaluate(overflow), 0);
  await closePage(page, problems);
});

test('the page loads every module of src/web/static once, with no console error; on the next visit each revalidates to 304', async () => {
  const modules = readdirSync(join(repoRoot, 'src/web/static'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => `${api.base}/${name}`)
    .sort();
  assert.ok(modules.length > 1, 'the script is split into modules');
  // No page.route here: Playwright turns the browser's HTTP cache off for a routed page. A search that matches
  // nothing shows no thumbnail, so nothing is asked of another host; a request that does is recorded.
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  const scripts: { url: string; status: number }[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(`${api.base}/`)) problems.push(`request left the test server: ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push({ url: response.url(), status: response.status() });
    // The browser asks for a favicon of its own accord; the page has none.
    else if (response.status() >= 400 && new URL(response.url()).pathname !== '/favicon.ico')
      problems.push(`${response.status()} for ${response.url()}`);
  });
  // Failed loads are judged above, by URL: the console names no URL.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource:')) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const visit = async () => {
    scripts.length = 0;
    await page.goto(`${api.base}/?title=no+movie+is+called+this`);
    await page.locator('#status', { hasText: /^No movies match this search\./ }).waitFor();
    return [...scripts].sort((a, b) => a.url.localeCompare(b.url));
  };
  assert.deepEqual(
    await visit(),
    modules.map((url) => ({ url, status: 200 })),
  );
  assert.deepEqual(
    await visit(),
    modules.map((url) => ({ url, status: 304 })),
  );
  await context.close();
  assert.deepEqual(problems, []);
});

test('the cast field suggests names as they are typed, from GET /v1/facets/cast, and choosing one searches by it', async () => {
  const { page, problems } = await openPage('/?genre=Drama');
  if ((await page.getAttribute('#advanced', 'open')) === null) await page.click('#advanced summary');
  await page.locator('#cast').pressSequentially('tom ha', { delay: 250 });
  const expected = await apiJson<{ items: { value: string; count: number }[] }>('/v1/facets/cast?q=tom+ha&genre=Drama&limit=8');
  assert.equal(expected.items[0]?.value, 'Tom Hanks');
  const wanted = expected.items.map((v) => `${v.value} ${v.count.toLocaleString('en')}`);
  const buttons = page.locator('#cast-suggestions button');
  const shown = async () => (await buttons.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  // Under load the typing can pause past the debounce, so the list for an earlier prefix ("tom") may show first and
  // be replaced: wait for the list of the whole prefix (a timeout falls through to the diff below).
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await delay(50))
    if (JSON.stringify(await shown()) === JSON.stringify(wanted)) break;
  assert.deepEqual(await shown(), wanted);
  await buttons.first().click();
  await page.waitForURL((url) => url.searchParams.get('cast') === 'Tom Hanks' && url.searchParams.get('genre') === 'Drama');
  assert.equal(await page.inputValue('#cast'), 'Tom Hanks');
  assert.equal(await page.locator('#cast-suggestions').isHidden(), true);
  const answer = await apiJson<ListBody>('/v1/movies?cast=Tom+Hanks&genre=Drama');
  assert.deepEqual(
    (await tableRows(page, answer.items.length)).map((r) => r.id),
    answer.items.map((m) => m.id),
  );
  await closePage(page, problems);
});
