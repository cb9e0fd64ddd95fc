import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { startApi, type RunningApi } from '../support/api-server.js';
import { launchChromium } from '../support/browser.js';
import { exchange } from '../support/raw-http.js';

/**
 * The API called by a web app on another origin, in Chromium: CORS is enforced by the browser, so only
 * a browser can show that an allowed origin reads the answer and its headers, that a request carrying
 * an API key is preceded by a preflight the API answers, and that an origin not allowed is refused.
 * The app's pages are served by two tiny servers of their own (two origins); the page's scripts call
 * the API with fetch. No request is intercepted: Playwright answers preflights itself for intercepted requests.
 */
const KEY = 'k-0123456789abcdef';
const ACCESS = { keys: new Map([[KEY, 'acme']]), requireApiKey: false, rateBurst: 1 };

interface Origin {
  readonly server: Server;
  readonly base: string;
}

/** What a page's script could read of an answer, or the error its fetch rejected with. */
type Seen =
  | {
      readonly status: number;
      readonly headers: Record<string, string | null>;
      readonly body: string;
    }
  | { readonly error: string };

let app: Origin;
let stranger: Origin;
let api: RunningApi;
/** The same catalogue without CORS or limits: the identity bytes each answer must decode to. */
let reference: RunningApi;
/** With a rate limit of one request a second: the 429 a script must be able to read. */
let limited: RunningApi;
let browser: Browser;
let context: BrowserContext;
/** A browser whose network stack offers gzip only (Playwright sets the header below the page, so CORS does not see it). */
let gzipOnly: BrowserContext;
/** The API's request log: method, URL and status of every request it answered. */
const answered: { method: string; url: string; status: number; client: string }[] = [];

async function servePage(): Promise<Origin> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>an app elsewhere</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

before(async () => {
  app = await servePage();
  stranger = await servePage();
  const logger = pino(
    { level: 'info' },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { msg?: string; method: string; url: string; status: number; client: string };
        if (entry.msg === 'request') answered.push(entry);
      },
    },
  );
  api = await startApi({ corsOrigins: [app.base], access: { ...ACCESS, rateLimit: 0 }, logger });
  reference = await startApi();
  limited = await startApi({ corsOrigins: [app.base], access: { ...ACCESS, rateLimit: 1 } });
  browser = await launchChromium();
  context = await browser.newContext();
  gzipOnly = await browser.newContext({ extraHTTPHeaders: { 'Accept-Encoding': 'gzip' } });
});

after(async () => {
  await browser?.close();
  await Promise.all([api?.app.close(), limited?.app.close(), reference?.app.close()]);
  for (const origin of [app, stranger]) origin?.server.close();
});

/**
 * One page per browser context, which each test navigates afresh: a new page costs new renderer processes
 * (~3–4 s of CPU), a navigation between these origins (one site, 127.0.0.1) keeps them
 * (docs/investigations/testtime.md, "one page per file"). A new document starts with no script state of an earlier test's.
 */
const pages = new Map<BrowserContext, Page>();

async function pageAt(origin: Origin, browsing = context): Promise<Page> {
  let page = pages.get(browsing);
  if (!page || page.isClosed()) {
    page = await browsing.newPage();
    page.setDefaultTimeout(10_000);
    pages.set(browsing, page);
  }
  await page.goto(`${origin.base}/`);
  return page;
}

/**
 * `fetch(url, {headers})` run by the page's own script, and what it could read: the status, the named headers and
 * the body. The browser's HTTP cache is left out (`no-store`), so every call reaches the API and a 304 reaches the script.
 */
function fetchFromPage(page: Page, url: string, headers: Record<string, string>, read: readonly string[]): Promise<Seen> {
  return page.evaluate(
    async ({ url, headers, read }) => {
      try {
        // `cache` is the browser's RequestInit; Node's types, which this file is checked against, lack it.
        const init = { headers, cache: 'no-store' };
        const res = await fetch(url, init);
        return {
          status: res.status,
          headers: Object.fromEntries(read.map((name) => [name, res.headers.get(name)])),
          body: await res.text(),
        };
      } catch (error) {
        return { error: String(error) };
      }
    },
    { url, headers, read },
  );
}

async function identityBody(path: string): Promise<string> {
  const { headers, body } = await exchange(reference.port, path, {});
  assert.equal(headers['content-encoding'], undefined);
  return body.toString();
}

function answer(seen: Seen): Exclude<Seen, { error: string }> {
  assert.ok(!('error' in seen), `the page's fetch was refused: ${'error' in seen ? seen.error : ''}`);
  return seen;
}

test('an allowed origin reads a br answer, its ETag and request id, and revalidates it to a 304', async () => {
  const page = await pageAt(app);
  const path = '/v1/movies?genre=drama&limit=20';
  const onWire = page.waitForResponse((r) => r.url() === `${api.base}${path}`);
  const seen = answer(await fetchFromPage(page, `${api.base}${path}`, {}, ['etag', 'x-request-id', 'content-type']));
  const wire = await onWire;
  assert.equal(await wire.headerValue('content-encoding'), 'br', 'Chromium asks for br, and the API sent it');
  assert.equal(seen.status, 200);
  assert.equal(seen.body, await identityBody(path), 'decoded by the browser: the identity answer');
  assert.match(seen.headers.etag ?? '', /\+br"$/, 'the ETag is exposed to the script, naming the br representation');
  assert.match(seen.headers['x-request-id'] ?? '', /\S/, 'the request id is exposed');
  assert.match(seen.headers['content-type'] ?? '', /^application\/json/);
  const again = answer(await fetchFromPage(page, `${api.base}${path}`, { 'If-None-Match': seen.headers.etag as string }, ['etag']));
  assert.equal(again.status, 304, 'If-None-Match is an allowed request header: its preflight passes, and the script sees the 304');
  assert.equal(again.headers.etag, seen.headers.etag);
});

test('a request with X-Api-Key goes through a preflight, then is served to the key; a wrong key is a 401 the script can read', async () => {
  const page = await pageAt(app);
  const path = '/v1/movies?title=matrix&limit=3';
  const seen = answer(await fetchFromPage(page, `${api.base}${path}`, { 'X-Api-Key': KEY }, []));
  assert.equal(seen.status, 200);
  assert.ok((JSON.parse(seen.body) as { items: unknown[] }).items.length > 0);
  const exchanges = answered.filter((a) => a.url === path).map((a) => `${a.method} ${a.status} ${a.client}`);
  assert.deepEqual(exchanges, ['OPTIONS 204 anonymous', 'GET 200 acme'], 'the preflight first, without the key; then the keyed request');
  const refused = answer(await fetchFromPage(page, `${api.base}/v1/genres`, { 'X-Api-Key': 'not-a-key-of-ours' }, []));
  assert.equal(refused.status, 401);
  assert.match(JSON.parse(refused.body).detail as string, /X-Api-Key/);
});

test('an origin not allowed is blocked by the browser: the simple request is answered but withheld, the keyed one stops at its preflight', async () => {
  const page = await pageAt(stranger);
  const simple = '/v1/movies?genre=comedy&limit=2';
  const seen = await fetchFromPage(page, `${api.base}${simple}`, {}, []);
  assert.ok('error' in seen, 'fetch rejects');
  assert.match(seen.error, /TypeError: Failed to fetch/);
  assert.deepEqual(
    answered.filter((a) => a.url === simple).map((a) => `${a.method} ${a.status}`),
    ['GET 200'],
    'the API answered, without CORS headers; the browser withheld the answer',
  );
  const keyed = '/v1/movies?genre=comedy&limit=3';
  const refused = await fetchFromPage(page, `${api.base}${keyed}`, { 'X-Api-Key': KEY }, []);
  assert.ok('error' in refused, 'fetch rejects');
  assert.deepEqual(
    answered.filter((a) => a.url === keyed).map((a) => a.method),
    ['OPTIONS'],
    'the preflight allowed nothing, so the keyed request was never sent',
  );
});

test('a gzip answer decodes in the browser, and a 429 shows its Retry-After to the script', async () => {
  const page = await pageAt(app, gzipOnly);
  const path = '/v1/movies?limit=100&year=1994';
  const onWire = page.waitForResponse((r) => r.url() === `${limited.base}${path}`);
  const first = answer(await fetchFromPage(page, `${limited.base}${path}`, {}, ['etag']));
  assert.equal(await (await onWire).headerValue('content-encoding'), 'gzip');
  assert.equal(first.status, 200);
  assert.equal(first.body, await identityBody(path));
  assert.match(first.headers.etag ?? '', /\+gzip"$/);
  let limitedAnswer: Exclude<Seen, { error: string }> | undefined;
  // One request a second, burst one: within a few requests one is over the limit.
  for (let i = 0; i < 5 && limitedAnswer === undefined; i++) {
    const seen = answer(await fetchFromPage(page, `${limited.base}/v1/genres`, {}, ['retry-after']));
    if (seen.status === 429) limitedAnswer = seen;
  }
  assert.ok(limitedAnswer, 'the rate limit answered 429');
  assert.match(limitedAnswer.headers['retry-after'] ?? '', /^[1-9][0-9]*$/, 'Retry-After is exposed to the script');
});
