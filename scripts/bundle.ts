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
 * Fastify's server module requires node:https and node:http2 when it loads, for a server cinedex makes
 * only with TLS_CERT (https) or never (http2); the two bring tls with them, ~15–25 ms of a loaded VM's
 * CPU at every start. Here they are required on first use instead. The lines are matched exactly: a
 * Fastify whose server module no longer has them fails the bundle, rather than being bundled unchanged.
 */
const LAZY_BUILTINS: Plugin = {
  name: 'fastify-lazy-https-http2',
  setup(build) {
    build.onLoad({ filter: /[\\/]fastify[\\/]lib[\\/]server\.js$/ }, ({ path }) => {
      let contents = readFileSync(path, 'utf8');
      for (const name of ['https', 'http2']) {
        const eager = `const ${name} = require('node:${name}')\n`;
        if (!contents.includes(eager))
          throw new Error(`${path} no longer requires node:${name} as "${eager.trim()}": see scripts/bundle.ts`);
        contents = contents.replace(eager, lazyRequire(name));
      }
      return { contents, loader: 'js' };
    });
  },
};

/** A stand-in for a built-in module that requires it at the first property read (Fastify reads `create*Server`). */
function lazyRequire(name: string): string {
  return `const ${name} = new Proxy({}, { get: (_, key) => require('node:${name}')[key] })\n`;
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
  plugins: [LAZY_BUILTINS],
  logLevel: 'warning',
});
