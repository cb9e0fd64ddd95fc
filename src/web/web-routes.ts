import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { StaticFilesError } from '../errors/errors.js';
import { matchesIfNoneMatch } from '../node-http/etag.js';

/**
 * Scripts, styles and requests only from this origin, nothing inline. Thumbnails are the exception:
 * providers link them from other hosts (upload.wikimedia.org), so images may come from any https URL.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const FILES = [
  { path: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { path: '/style.css', file: 'style.css', type: 'text/css; charset=utf-8' },
] as const;

/**
 * The files are read from the source folder, src/web/static: `tsc` does not copy them, and a copy made
 * by a build step could be missing or stale after a plain `tsc`. Compiled, this module is
 * dist/src/web/web-routes.js, three levels below the repository root; run from source it sits beside
 * them. The Dockerfile and package.json "files" ship src/web/static next to dist/src for this reason.
 */
export function defaultStaticDir(): string {
  const candidates = [new URL('./static/', import.meta.url), new URL('../../../src/web/static/', import.meta.url)].map((url) =>
    fileURLToPath(url),
  );
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? (candidates[1] as string);
}

/**
 * The search page at `/`, `/app.js` and `/style.css`. Files are read once, here, so a missing file
 * stops startup instead of failing requests. `no-cache` with a content ETag: a browser always
 * revalidates (a 304 costs nothing), so the page and its script never come from two releases.
 */
export function webRoutes(directory = defaultStaticDir()): (app: FastifyInstance) => void {
  const files = FILES.map(({ path, file, type }) => {
    let body: Buffer;
    try {
      body = readFileSync(join(directory, file));
    } catch (error) {
      throw new StaticFilesError(
        `cannot read the search page file ${join(directory, file)} (${(error as Error).message}); src/web/static must be shipped beside dist/src`,
        { cause: error },
      );
    }
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    return { path, type, body, etag };
  });
  return (app) => {
    for (const { path, type, body, etag } of files) {
      app.get(path, { schema: { hide: true } }, (request, reply) => {
        reply
          .header('etag', etag)
          .header('cache-control', 'no-cache')
          .header('content-security-policy', CONTENT_SECURITY_POLICY)
          .header('referrer-policy', 'no-referrer');
        if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) reply.code(304).send();
        else reply.header('content-type', type).send(body);
      });
    }
  };
}
