import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, defaultStaticDir, webRoutes } from '../../src/web/web-routes.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { repoRoot } from '../support/paths.js';
import { StaticFilesError } from '../../src/errors/errors.js';

const staticDir = join(repoRoot, 'src/web/static');
let api: RunningApi;
before(async () => {
  api = await startApi({ plugins: [webRoutes()] });
});
after(() => api.app.close());

test('/ serves the page as HTML under a strict Content-Security-Policy, with no inline script', async () => {
  const res = await fetch(`${api.base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.equal(csp, CONTENT_SECURITY_POLICY);
  assert.match(csp, /(^|; )default-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  const html = await res.text();
  assert.equal(html, readFileSync(join(staticDir, 'index.html'), 'utf8'));
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.ok(scripts.length > 0);
  for (const tag of scripts) assert.match(tag, /\bsrc="/, `every script is a file, not inline: ${tag}`);
  assert.doesNotMatch(html, /\son[a-z]+="/, 'no inline event handlers');
  assert.doesNotMatch(html, /\sstyle="/, 'no inline styles');
});

test('every module of the page and /style.css have their content types and the file as it is; each ETag revalidates to 304', async () => {
  const modules = readdirSync(staticDir).filter((name) => name.endsWith('.js'));
  assert.ok(modules.includes('app.js') && modules.length > 1, 'the page is an entry module and the modules it imports');
  const etags = new Set<string>();
  for (const [file, type] of [
    ...modules.map((name) => [name, /^text\/javascript; charset=utf-8$/] as const),
    ['style.css', /^text\/css/] as const,
  ]) {
    const res = await fetch(`${api.base}/${file}`);
    assert.equal(res.status, 200, file);
    assert.match(res.headers.get('content-type') ?? '', type, file);
    assert.equal(res.headers.get('cache-control'), 'no-cache', file);
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, file);
    assert.equal(await res.text(), readFileSync(join(staticDir, file), 'utf8'), file);
    const etag = res.headers.get('etag') ?? '';
    // The file in the representation fetch asked for (gzip): the same content tag, marked per representation,
    // and weak when compressed (its bytes change when recompressed).
    assert.match(etag, /^("[A-Za-z0-9_-]+"|W\/"[A-Za-z0-9_-]+\+(gzip|br)")$/, file);
    etags.add(etag);
    const again = await fetch(`${api.base}/${file}`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304, file);
    assert.equal(await again.text(), '', file);
    assert.equal((await fetch(`${api.base}/${file}`, { headers: { 'if-none-match': '"stale"' } })).status, 200, file);
  }
  assert.equal(etags.size, modules.length + 1, 'the ETag is the content: every file has its own');
  const head = await fetch(`${api.base}/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.match(head.headers.get('content-type') ?? '', /^text\/html/);
});

test('each module of the page is type-checked: it starts with // @ts-check, and `npm run typecheck` checks the folder', () => {
  for (const file of readdirSync(staticDir).filter((name) => name.endsWith('.js'))) {
    assert.match(readFileSync(join(staticDir, file), 'utf8'), /^\/\/ @ts-check\n/, file);
  }
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.typecheck ?? '', /\btsc -p src\/web\/static\/tsconfig\.json\b/);
});

test('unknown static names are the API 404 problem; the API and its OpenAPI document are unchanged', async () => {
  for (const path of ['/index.html', '/app.css', '/static/app.js', '/src/web/static/app.js', '/web-routes.js', '/tsconfig.json']) {
    const res = await fetch(api.base + path);
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, path);
    assert.match(((await res.json()) as { detail: string }).detail, /there is no GET/, path);
  }
  assert.equal((await fetch(`${api.base}/v1/movies?title=mission&limit=1`)).status, 200);
  const openapi = (await (await fetch(`${api.base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  for (const path of ['/', ...readdirSync(staticDir).map((name) => `/${name}`)])
    assert.equal(openapi.paths[path], undefined, `${path} is not an API operation`);
  assert.ok(openapi.paths['/v1/movies']);
});

test('a missing page or folder stops startup with a typed error naming it', () => {
  const empty = mkdtempSync(join(tmpdir(), 'cinedex-web-'));
  const names = (path: string) => (error: unknown) =>
    error instanceof StaticFilesError &&
    error.code === 'STATIC_FILES_MISSING' &&
    error.message.includes(path) &&
    error.cause instanceof Error;
  assert.throws(() => webRoutes(empty), names(join(empty, 'index.html')));
  assert.throws(() => webRoutes(join(empty, 'absent')), names(join(empty, 'absent')));
});

test('compiled code finds the files in src/web/static, and the image and package ship that folder', () => {
  assert.equal(defaultStaticDir(), join(repoRoot, 'src/web/static/'));
  // The final stage of the Dockerfile must copy the folder to where dist/src/web/web-routes.js looks.
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.match(finalStage, /^COPY --from=build \/app\/dist\/src \.\/dist\/src$/m);
  assert.match(finalStage, /^COPY --from=build \/app\/src\/web\/static \.\/src\/web\/static$/m);
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
  assert.ok(pkg.files.includes('src/web/static'), 'npm pack ships the page beside dist/src');
});
