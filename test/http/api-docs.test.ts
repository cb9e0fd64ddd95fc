import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startApi } from '../support/api-server.js';

/** The CommonJS files this process has loaded from `pkg` (the test runner gives each file a process of its own). */
function loaded(pkg: string): number {
  return Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes(`/node_modules/${pkg}/`)).length;
}

test('a server starts without ajv, the swagger plugins or prom-client index; /openapi.json and /docs load them on first use', async () => {
  const api = await startApi();
  try {
    assert.equal((await fetch(`${api.base}/v1/genres`)).status, 200);
    for (const pkg of ['ajv', '@fastify/ajv-compiler', '@fastify/swagger', '@fastify/swagger-ui', 'yaml', '@opentelemetry/api']) {
      assert.equal(loaded(pkg), 0, `${pkg} is not loaded before the documentation is asked for`);
    }
    assert.ok(loaded('prom-client') > 0, 'the metric classes are');
    const [document, again] = await Promise.all([fetch(`${api.base}/openapi.json`), fetch(`${api.base}/openapi.json`)]);
    assert.equal(document.status, 200);
    assert.equal(await document.text(), await again.text(), 'two first requests at once share one document');
    assert.ok(loaded('@fastify/swagger') > 0 && loaded('@fastify/swagger-ui') > 0);
    assert.equal(loaded('ajv'), 0, 'the private instance has no validator either');
  } finally {
    await api.app.close();
  }
});

test("/docs serves swagger-ui's page and files through the API's hooks; a file's ETag revalidates to a 304 without a body", async () => {
  const api = await startApi();
  try {
    const page = await fetch(`${api.base}/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff', "the API's own onRequest hook ran");
    assert.match(await page.text(), /swagger-ui-bundle\.js/);
    const css = await fetch(`${api.base}/docs/static/swagger-ui.css`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    const body = await css.text();
    assert.ok(body.length > 10_000, `${body.length} bytes`);
    const etag = css.headers.get('etag');
    assert.ok(etag);
    const revalidated = await fetch(`${api.base}/docs/static/swagger-ui.css`, {
      headers: { 'accept-encoding': 'identity', 'if-none-match': etag },
    });
    assert.equal(revalidated.status, 304);
    assert.equal(await revalidated.text(), '');
    const head = await fetch(`${api.base}/docs`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const missing = await fetch(`${api.base}/docs/static/no-such-file.js`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /application\/problem\+json/, "the API's own 404");
  } finally {
    await api.app.close();
  }
});
