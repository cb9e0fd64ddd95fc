/**
 * The `cinedex` command as one ES module (`npm run bundle`, after `tsc`): dist/bundle/cli/main.js, which
 * `npm start` and the image run. Node spends most of a restart at the seed's size loading modules, and
 * most of that is per file (resolving, reading, wrapping ~300 CommonJS and ES modules: Fastify alone is
 * ~100); one file takes that away. The tests run on the tsc output in dist/src, which this bundles
 * (with its source maps), so both are the same code; test/package/bundle.test.ts starts the bundle.
 *
 * Beside it:
 * - `ingest-thread-entry.js`: the ingestion thread's entry, which threaded-ingester.ts finds next to itself;
 * - `*-<hash>.js`: chunks of code only some commands load (each command, the seeding and index-building code),
 *   split out so `serve` does not parse it.
 *
 * The bundle sits three folders below the repository root, as every dist/src module does, so the paths
 * found from import.meta.url (the search page's folder, the bundled seed) are the same.
 */
import { build, type Plugin } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = `${root}dist/bundle/cli`;

/**
 * Left to Node at run time, from node_modules (test/package/bundle.test.ts checks each resolves from the bundle):
 * - Fastify's default schema compilers (with ajv and fast-json-stringify, nearly half the bundle's bytes),
 *   which cinedex replaces (src/http/schema-compilers.ts), and light-my-request, which only the API documents'
 *   private instance uses (src/http/api-docs.ts): code a start would compile and never run;
 * - prom-client: its metric classes are required file by file (src/metrics/prom-client.ts) and its index
 *   later, both from node_modules; bundling a second copy would make two Registry classes;
 * - @fastify/swagger, @fastify/swagger-ui: read their own files next to their sources (__dirname), and only
 *   /openapi.json and /docs load them;
 * - the AWS SDK: loaded only for an S3 store or an SQS inbox queue, and its tests run against the tsc
 *   output: bundled, it would be code no test runs.
 */
const EXTERNAL = [
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'light-my-request',
  'prom-client',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  '@aws-sdk/*',
  '@smithy/*',
];

/**
 * Modules Fastify requires when it loads but a start before ready never uses, required on first use instead:
 * - its server module's node:https and node:http2, for a server cinedex makes only with TLS_CERT (https) or
 *   never (http2); the two bring tls with them, ~15–25 ms of a loaded VM's CPU at every start;
 * - its plugin-utils' semver (47 files, 86 regular expressions built as it loads), which only a plugin
 *   naming the Fastify versions it supports asks: the API documents' swagger plugins, on their first request.
 * The lines are matched exactly: a Fastify whose modules no longer have them fails the bundle, rather than
 * being bundled unchanged.
 */
const LAZY_REQUIRES: readonly { readonly file: RegExp; readonly requires: readonly { name: string; specifier: string }[] }[] = [
  {
    file: /[\\/]fastify[\\/]lib[\\/]server\.js$/,
    requires: ['https', 'http2'].map((name) => ({ name, specifier: `node:${name}` })),
  },
  { file: /[\\/]fastify[\\/]lib[\\/]plugin-utils\.js$/, requires: [{ name: 'semver', specifier: 'semver' }] },
];

const LAZY_FASTIFY_REQUIRES: Plugin = {
  name: 'fastify-lazy-requires',
  setup(build) {
    for (const { file, requires } of LAZY_REQUIRES) {
      build.onLoad({ filter: file }, ({ path }) => {
        let contents = readFileSync(path, 'utf8');
        for (const { name, specifier } of requires) {
          const eager = `const ${name} = require('${specifier}')\n`;
          if (!contents.includes(eager))
            throw new Error(`${path} no longer requires ${specifier} as "${eager.trim()}": see scripts/bundle.ts`);
          contents = contents.replace(eager, lazyRequire(name, specifier));
        }
        return { contents, loader: 'js' };
      });
    }
  },
};

/**
 * A stand-in for a module that requires it at the first property read (Fastify reads `create*Server`,
 * `semver.satisfies`). esbuild still bundles a package required this way; it runs on first use.
 */
function lazyRequire(name: string, specifier: string): string {
  return `const ${name} = new Proxy({}, { get: (_, key) => require('${specifier}')[key] })\n`;
}

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/src/cli/main.js`, `${root}dist/src/ingest/ingest-thread-entry.js`],
  outdir,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.12',
  external: EXTERNAL,
  sourcemap: 'linked',
  // The CommonJS dependencies (Fastify, pino, commander) require Node's modules; an ES module has no require.
  banner: {
    js: "import { createRequire as __cinedexCreateRequire } from 'node:module'; const require = __cinedexCreateRequire(import.meta.url);",
  },
  plugins: [LAZY_FASTIFY_REQUIRES],
  logLevel: 'warning',
});
