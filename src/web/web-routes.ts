import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { StaticFilesError } from '../errors/errors.js';
import { contentEtag } from '../node-http/etag.js';

/**
 * Scripts, styles and requests only from this origin, nothing inline. Thumbnails are the exception:
 * providers link them from other hosts (upload.wikimedia.org), so images may come from any https URL.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The page itself, at `/`. */
const PAGE = 'index.html';
/** What the page loads, by extension: its modules and its style. Other files of the folder (tsconfig.json) are not served. */
const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

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
  return candidates.find((dir) => existsSync(join(dir, PAGE))) ?? (candidates[1] as string);
}

/**
 * The search page at `/`, and each of its modules and styles at `/<name>`: every file of the folder with a
 * type in TYPES, so a new module is served without being listed. Files are read once, here, so a missing
 * folder or page stops startup instead of failing requests. `no-cache` with a content ETag: a browser always
 * revalidates (a 304 costs nothing), so the page and its modules never come from two releases.
 */
export function webRoutes(directory = defaultStaticDir()): (app: FastifyInstance) => void {
  const files = [{ path: '/', file: PAGE, type: 'text/html; charset=utf-8' }, ...servedFiles(directory)].map(({ path, file, type }) => {
    const body = read(directory, file);
    return { path, type, body, etag: contentEtag(body) };
  });
  return (app) => {
    for (const { path, type, body, etag } of files) {
      // The 304 for If-None-Match is the API's (http/representation-hook.ts), which knows the representation.
      app.get(path, { schema: { hide: true } }, (_request, reply) => {
        reply
          .header('etag', etag)
          .header('cache-control', 'no-cache')
          .header('content-security-policy', CONTENT_SECURITY_POLICY)
          .header('referrer-policy', 'no-referrer')
          .header('content-type', type)
          .send(body);
      });
    }
  };
}

/** The modules and styles of the folder, by name. */
function servedFiles(directory: string): { path: string; file: string; type: string }[] {
  let names: string[];
  try {
    names = readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  } catch (error) {
    throw missing(directory, error);
  }
  return names.flatMap((file) => {
    const type = TYPES[extname(file)];
    return type === undefined ? [] : [{ path: `/${file}`, file, type }];
  });
}

function read(directory: string, file: string): Buffer {
  try {
    return readFileSync(join(directory, file));
  } catch (error) {
    throw missing(join(directory, file), error);
  }
}

function missing(path: string, error: unknown): StaticFilesError {
  return new StaticFilesError(
    `cannot read the search page file ${path} (${(error as Error).message}); src/web/static must be shipped beside dist/src`,
    { cause: error },
  );
}
