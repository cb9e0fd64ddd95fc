import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ageHeader,
  currentAge,
  isFresh,
  parseAge,
  parseCacheControl,
  servableStale,
  storagePolicy,
  type ResponseFacts,
} from '../../src/edge/cache-policy.js';

test('Cache-Control: directives in any case and spacing, quoted values, unknown ones ignored', () => {
  assert.deepEqual(parseCacheControl('public, max-age=10'), {
    noStore: false,
    noCache: false,
    private: false,
    mustRevalidate: false,
    proxyRevalidate: false,
    maxAge: 10,
  });
  const d = parseCacheControl(' Max-Age="60" ,S-MAXAGE=5,  must-revalidate , community="UCI, x", no-cache="set-cookie"');
  assert.equal(d.maxAge, 60);
  assert.equal(d.sMaxAge, 5);
  assert.equal(d.mustRevalidate, true);
  assert.equal(d.noCache, true, 'qualified no-cache is read as no-cache: stricter, never wrong');
  assert.equal(d.private, false, 'a comma inside a quoted value does not start a directive');
  assert.equal(parseCacheControl('private').private, true);
  assert.equal(parseCacheControl('no-store').noStore, true);
  assert.equal(parseCacheControl('proxy-revalidate').proxyRevalidate, true);
  assert.deepEqual(parseCacheControl(undefined), {
    noStore: false,
    noCache: false,
    private: false,
    mustRevalidate: false,
    proxyRevalidate: false,
  });
  assert.deepEqual(parseCacheControl(',,'), parseCacheControl(undefined));
});

test('Cache-Control: invalid or conflicting lifetimes read as 0 (stale), huge ones are capped', () => {
  assert.equal(parseCacheControl('max-age=abc').maxAge, 0);
  assert.equal(parseCacheControl('max-age=-5').maxAge, 0);
  assert.equal(parseCacheControl('max-age').maxAge, 0);
  assert.equal(parseCacheControl('max-age=10, max-age=20').maxAge, 0);
  assert.equal(parseCacheControl('max-age=10, max-age=10').maxAge, 10);
  assert.equal(parseCacheControl('max-age=99999999999999').maxAge, 2 ** 31);
});

const facts = (over: Partial<ResponseFacts>): ResponseFacts => ({
  status: 200,
  cacheControl: 'public, max-age=10',
  hasEtag: true,
  vary: undefined,
  setsCookie: false,
  ...over,
});

test('what is stored: 200 and 404 with an explicit lifetime; never 5xx, no-store, private, cookies, Vary or no lifetime', () => {
  assert.deepEqual(storagePolicy(facts({})), { store: true, freshForSeconds: 10, staleAllowed: true });
  assert.deepEqual(storagePolicy(facts({ status: 404 })), { store: true, freshForSeconds: 10, staleAllowed: true });
  const refused: [Partial<ResponseFacts>, string][] = [
    [{ status: 500 }, 'status 500'],
    [{ status: 503 }, 'status 503'],
    [{ status: 301 }, 'status 301'],
    [{ status: 400 }, 'status 400'],
    [{ cacheControl: 'no-store, max-age=10' }, 'no-store'],
    [{ cacheControl: 'private, max-age=10' }, 'private'],
    [{ setsCookie: true }, 'set-cookie'],
    [{ vary: 'Origin' }, 'vary'],
    [{ vary: 'Accept-Encoding, Origin' }, 'vary'],
    [{ cacheControl: 'public' }, 'no max-age'],
    [{ cacheControl: undefined }, 'no max-age'],
    [{ cacheControl: 'no-cache', hasEtag: false }, 'nothing to reuse'],
  ];
  for (const [over, reason] of refused) assert.deepEqual(storagePolicy(facts(over)), { store: false, reason }, JSON.stringify(over));
});

test('freshness terms: s-maxage wins for a shared cache; no-cache means revalidate each time; stale-if-error is forbidden by the revalidate directives', () => {
  assert.deepEqual(storagePolicy(facts({ cacheControl: 'max-age=10, s-maxage=3' })), {
    store: true,
    freshForSeconds: 3,
    staleAllowed: false,
  });
  assert.deepEqual(storagePolicy(facts({ cacheControl: 'no-cache' })), { store: true, freshForSeconds: 0, staleAllowed: false });
  assert.deepEqual(storagePolicy(facts({ cacheControl: 'max-age=0' })), { store: true, freshForSeconds: 0, staleAllowed: true });
  assert.deepEqual(storagePolicy(facts({ cacheControl: 'max-age=10, must-revalidate' })), {
    store: true,
    freshForSeconds: 10,
    staleAllowed: false,
  });
  assert.deepEqual(storagePolicy(facts({ cacheControl: 'max-age=10, proxy-revalidate' })), {
    store: true,
    freshForSeconds: 10,
    staleAllowed: false,
  });
  assert.deepEqual(storagePolicy(facts({ vary: '  ' })), { store: true, freshForSeconds: 10, staleAllowed: true });
  // The edge keys on the normalised Accept-Encoding, so an answer varying by it alone is kept per representation.
  assert.deepEqual(storagePolicy(facts({ vary: 'accept-encoding' })), { store: true, freshForSeconds: 10, staleAllowed: true });
});

test('age, freshness and the stale-if-error window', () => {
  const f = { receivedAt: 1_000_000, initialAge: 2, freshForSeconds: 10, staleAllowed: true };
  assert.equal(currentAge(f, 1_000_000), 2);
  assert.equal(currentAge(f, 1_003_500), 5.5);
  assert.equal(currentAge(f, 999_000), 2, 'a clock step backwards never makes an answer younger than received');
  assert.equal(ageHeader(f, 1_003_999), 5);
  assert.equal(isFresh(f, 1_007_999), true);
  assert.equal(isFresh(f, 1_008_000), false);
  assert.equal(servableStale(f, 1_008_000, 30), true);
  assert.equal(servableStale(f, 1_037_999, 30), true);
  assert.equal(servableStale(f, 1_038_000, 30), false);
  assert.equal(servableStale(f, 1_008_000, 0), false);
  assert.equal(servableStale({ ...f, staleAllowed: false }, 1_008_000, 30), false);
  assert.equal(parseAge(' 7 '), 7);
  assert.equal(parseAge('-1'), 0);
  assert.equal(parseAge(undefined), 0);
});
