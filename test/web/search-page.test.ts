import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Movie } from '../../src/catalogue/movie.js';
import type { HistoryEntry } from '../../src/snapshot/dataset.js';
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

interface ListBody {
  items: Movie[];
  has_more: boolean;
  next_cursor: string | null;
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

/**
 * A fresh page. Requests leaving the test server are refused and recorded (the thumbnail host is
 * answered locally), and console errors are recorded: a CSP violation shows up as one.
 */
async function openPage(path = '/'): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
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

async function closePage(page: Page, problems: string[]): Promise<void> {
  await page.context().close();
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

/** What a row must show for a movie: title, year, genres, and the first three cast members. */
function expectedCells(movie: Movie): string[] {
  const shown = movie.cast.slice(0, 3).join(', ');
  const cast = movie.cast.length > 3 ? `${shown}, +${movie.cast.length - 3} more` : shown;
  return [movie.title, String(movie.year), movie.genres.join(', '), cast];
}

/** Waits until no search is on its way: the page marks the list busy from a request until its answer is shown. */
async function settled(page: Page): Promise<void> {
  await page.locator('#results:not([aria-busy])').waitFor({ state: 'attached' });
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

  // The same URL opened afresh shows the same search.
  const { page: linked, problems: linkedProblems } = await openPage(`${url.pathname}${url.search}`);
  assert.deepEqual(
    (await tableRows(linked, answer.items.length)).map((r) => r.id),
    answer.items.map((m) => m.id),
  );
  assert.equal(await linked.inputValue('#title'), 'mission');
  await closePage(linked, linkedProblems);
  await closePage(page, problems);
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
  mkdirSync(join(repoRoot, 'test-output/web'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  const png = readFileSync(SCREENSHOT);
  assert.ok(statSync(SCREENSHOT).size > 1000);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');

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
