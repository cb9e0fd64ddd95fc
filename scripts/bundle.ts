/**
 * The `cinedex` command as one ES module (`npm run bundle`, after `tsc`): dist/bundle/cli/main.js, which
 * `npm start` and the image run when they do not start from the startup snapshot (scripts/cinedex.sh). Node
 * spends most of a restart at the seed's size loading modules, and most of that is per file (resolving, reading,
 * wrapping ~300 CommonJS and ES modules: Fastify alone is ~100); one file takes that away. The tests run on the
 * tsc output in dist/src, which this bundles (with its source maps), so both are the same code;
 * test/package/bundle.test.ts starts the bundle.
 *
 * Beside it:
 * - `ingest-thread-entry.js`: the ingestion thread's entry, which threaded-ingester.ts finds next to itself;
 * - `*-<hash>.js`: chunks of code only some commands load (each command, the seeding and index-building code),
 *   split out so `serve` does not parse it;
 * - `snapshot-entry.cjs`: the startup snapshot's entry (src/cli/snapshot-entry.ts), every module `serve`
 *   loads in one CommonJS file, which scripts/snapshot.ts gives to `node --build-snapshot`.
 *
 * The bundle sits three folders below the repository root, as every dist/src module does, so the paths
 * found from import.meta.url (the search page's folder, the bundled seed) are the same.
 */
import { build, type Plugin } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as NodeModule from 'node:module';
import type * as V8 from 'node:v8';
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

/**
 * The modules of dist/src that make a `require` from their own URL (an ES module has none) to reach node:http
 * and prom-client's files. In the snapshot's CommonJS file the file's own `require` (the stand-in below) must
 * serve them, so those lines go; matched exactly, as LAZY_REQUIRES.
 */
const OWN_REQUIRE = 'const require = createRequire(import.meta.url);\n';
const OWN_REQUIRES: Plugin = {
  name: 'own-requires',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]src[\\/](metrics[\\/]prom-client|node-http[\\/]server-factory)\.js$/ }, ({ path }) => {
      const contents = readFileSync(path, 'utf8');
      if (!contents.includes(OWN_REQUIRE)) throw new Error(`${path} no longer has "${OWN_REQUIRE.trim()}": see scripts/bundle.ts`);
      return { contents: contents.replace(OWN_REQUIRE, ''), loader: 'js' };
    });
  },
};

/**
 * The exports of a deferred module that a module may read as it loads (Fastify's `require('node:http').STATUS_CODES`):
 * plain data, given as empty containers and filled in place once deserialized; a function (or class), given as one
 * that calls (or constructs) the module's once deserialized; or a value it has in every process that starts from a blob.
 */
type LoadTimeExports = Readonly<Record<string, 'array' | 'object' | 'function' | boolean>>;

/**
 * Node's modules that serve's modules require but that must not be loaded while the snapshot is built:
 * node:http, node:https and node:http2 cannot be in a snapshot at all (their parser binding holds native
 * handles: the builder aborts), and node:cluster picks its primary's or its worker's implementation as it
 * loads, so a blob holding it loaded would give a cluster worker the primary's (Node then fails to start the
 * worker). Each is a stand-in until the blob is deserialized (snapshotRequire below).
 */
const DEFERRED_MODULES: Readonly<Record<string, LoadTimeExports>> = {
  http: { STATUS_CODES: 'object', METHODS: 'array' },
  https: {},
  http2: {},
  cluster: {},
  // Loaded while building, it works in the blob's process but not in the threads it starts: their process.cwd()
  // reads a counter the main thread's module made, which the blob does not keep (the ingestion thread fails).
  // pino asks isMainThread as it loads (a blob only ever starts a main thread), and thread-stream takes Worker.
  worker_threads: { isMainThread: true, Worker: 'function' },
};

/**
 * The snapshot file's `require`, made by its first lines (this function's source): Node's snapshot builder
 * lets a script require only Node's own modules, and its CommonJS loader must not have run a file of
 * node_modules by the time a start from the blob begins, so
 * - while the snapshot is built: each of `deferred` is a Proxy whose properties fail when read (a module that
 *   reads one as it loads fails the build), but for its LoadTimeExports; once deserialized,
 *   the Proxy forwards everything to the module, required then. Any package throws: it should have been
 *   bundled, or required later.
 * - at run time: Node's modules as ever, and the packages left to node_modules from the bundle's folder.
 * Paths come from where the file was when the blob was made: scripts/cinedex.sh uses the blob only while the
 * file is still there.
 */
function snapshotRequire(
  builtinRequire: NodeJS.Require,
  fileUrl: string,
  deferred: Readonly<Record<string, LoadTimeExports>>,
): NodeJS.Require {
  const { createRequire, isBuiltin } = builtinRequire('node:module') as typeof NodeModule;
  const { startupSnapshot } = builtinRequire('node:v8') as typeof V8;
  const standIns = new Map<string, object>();
  let packages: NodeJS.Require | undefined;
  const standIn = (name: string, data: LoadTimeExports) => {
    let real: Record<string, unknown> | undefined;
    const forwarding = (key: string) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const f = (real as Record<string, (...a: unknown[]) => unknown>)[key] as (...a: unknown[]) => unknown;
        return new.target ? Reflect.construct(f, args) : Reflect.apply(f, this, args);
      };
    const containers = new Map(
      Object.entries(data).map(
        ([key, kind]) => [key, kind === 'array' ? [] : kind === 'object' ? {} : kind === 'function' ? forwarding(key) : kind] as const,
      ),
    );
    startupSnapshot.addDeserializeCallback(() => {
      real = builtinRequire(`node:${name}`) as Record<string, unknown>;
      for (const [key, container] of containers) {
        const value = (real as Record<string, unknown>)[key];
        if (Array.isArray(container)) container.push(...(value as unknown[]));
        else if (typeof container === 'function') continue;
        else if (typeof container === 'object') Object.assign(container, value);
        else if (container !== value) throw new Error(`node:${name}'s ${key} is ${String(value)} in a start from the snapshot`);
      }
    });
    const module = (key: string | symbol) => {
      if (real) return real;
      throw new Error(`node:${name}'s ${String(key)} is read while the startup snapshot is built (scripts/bundle.ts)`);
    };
    return new Proxy(
      {},
      {
        get: (_, key) => {
          if (!real && typeof key === 'string' && containers.has(key)) return containers.get(key);
          // esbuild's interop asks whether a module is an ES module's translation.
          if (!real && (key === '__esModule' || typeof key === 'symbol')) return undefined;
          return Reflect.get(module(key), key);
        },
        set: (_, key, value) => Reflect.set(module(key), key, value),
        has: (_, key) => (real ? Reflect.has(real, key) : false),
        ownKeys: () => (real ? Reflect.ownKeys(real) : []),
        // A Proxy may not report a property its target lacks as non-configurable.
        getOwnPropertyDescriptor: (_, key) => {
          const descriptor = real && Reflect.getOwnPropertyDescriptor(real, key);
          return descriptor && { ...descriptor, configurable: true };
        },
      },
    );
  };
  const building = (id: string) => {
    const name = id.replace(/^node:/, '');
    const data = deferred[name];
    if (data) {
      const known = standIns.get(name) ?? standIn(name, data);
      standIns.set(name, known);
      return known;
    }
    if (isBuiltin(id)) return builtinRequire(id);
    throw new Error(`${id} is required while the startup snapshot is built: only Node's own modules can be (scripts/bundle.ts)`);
  };
  const running = (id: string) => (isBuiltin(id) ? builtinRequire(id) : (packages ??= createRequire(fileUrl))(id));
  return Object.assign((id: string) => (startupSnapshot.isBuildingSnapshot() ? building(id) : running(id)), {
    resolve: (id: string) => (packages ??= createRequire(fileUrl)).resolve(id),
  }) as NodeJS.Require;
}

const snapshotEntry = `${outdir}/snapshot-entry.cjs`;
await build({
  entryPoints: [`${root}dist/src/cli/snapshot-entry.js`],
  outfile: snapshotEntry,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.12',
  // prom-client is bundled here: its classes must be in the snapshot (a module extends Histogram as it loads), and in
  // one file its file-by-file requires and its index reach the same modules.
  external: EXTERNAL.filter((name) => name !== 'prom-client'),
  // A function made by the snapshot builder has no way to import(): the packages left to node_modules are required.
  supported: { 'dynamic-import': false },
  // Every module's URL is the file's: it sits where the ES bundle's main.js does, so the paths found from it are the same.
  define: { 'import.meta.url': '__cinedexFileUrl' },
  banner: {
    js: [
      "var __cinedexFileUrl = require('node:url').pathToFileURL(__filename).href;",
      `require = (${snapshotRequire.toString()})(require, __cinedexFileUrl, ${JSON.stringify(DEFERRED_MODULES)});`,
    ].join('\n'),
  },
  plugins: [LAZY_FASTIFY_REQUIRES, OWN_REQUIRES],
  logLevel: 'warning',
});

/**
 * The snapshot keeps the file's source, and V8 keeps a source with any character beyond Latin-1 (a `…` in a doc
 * comment esbuild keeps, a `/ς/`) as two bytes a character: 1.8 MB more of a 9.5 MB blob, read and deserialized at
 * every start. Written as \u escapes, the same code in strings, templates, regular expressions and comments (the
 * bundle has no String.raw, which would see the escape; an escaped character, `\…`, would become a backslash).
 */
const source = readFileSync(snapshotEntry, 'utf8');
if (/String\.raw|\\[\u0080-\uffff]/.test(source))
  throw new Error(`${snapshotEntry} cannot be written in ASCII safely: see scripts/bundle.ts`);
writeFileSync(
  snapshotEntry,
  source.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
);
