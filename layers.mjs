// @ts-check
/**
 * The folders of src/ in layers, bottom first, and what each folder may import. An import that goes
 * up a layer, or sideways to a folder not listed, fails `npm run lint` (eslint.config.js) and the
 * architecture test (test/architecture/layers.test.ts), which also checks the folder graph has no cycle.
 *
 *   commands   cli
 *   serving    live   http   edge   web
 *   I/O        store  snapshot  seed  ingest  runtime  config  node-http  client  metrics
 *   core       catalogue  engine  query  merge  cache  errors    (pure: no I/O)
 *
 * @type {readonly { readonly layer: string; readonly folders: Readonly<Record<string, readonly string[] | '*'>> }[]}
 */
export const LAYERS = [
  {
    layer: 'core',
    folders: {
      // The typed errors of every layer, in one module: it imports nothing, so any folder may list it.
      errors: [],
      catalogue: [],
      cache: [],
      merge: ['catalogue'],
      engine: ['cache', 'catalogue', 'errors'],
      query: ['catalogue', 'engine', 'errors'],
    },
  },
  {
    layer: 'I/O building blocks',
    folders: {
      config: ['errors'],
      metrics: [],
      store: ['errors'],
      'node-http': [],
      snapshot: ['catalogue', 'engine', 'errors', 'merge', 'store'],
      seed: ['catalogue', 'config', 'engine', 'errors', 'merge', 'snapshot', 'store'],
      runtime: ['config', 'metrics', 'snapshot', 'store'],
      // The ingestion thread opens its own stores from the configuration it is started with.
      ingest: ['catalogue', 'config', 'errors', 'merge', 'metrics', 'runtime', 'snapshot', 'store'],
      // The typed HTTP client, published alone as `cinedex/client`: it may import nothing else from src.
      // `cinedex search` (cli) is its user inside the product.
      client: [],
    },
  },
  {
    layer: 'serving',
    folders: {
      // The serving lifecycle: the live catalogue and what swaps new versions into it.
      live: ['engine', 'errors', 'metrics', 'runtime', 'snapshot'],
      // The API reads data through snapshot's CatalogueReader, never through live/.
      http: ['cache', 'catalogue', 'engine', 'errors', 'metrics', 'node-http', 'query', 'snapshot'],
      edge: ['cache', 'config', 'errors', 'metrics', 'node-http', 'runtime'],
      // The search page's modules take the types of the API's answers from the client's (JSDoc, type-checked only).
      web: ['client', 'errors', 'node-http'],
    },
  },
  {
    layer: 'commands',
    folders: { cli: '*' },
  },
];

/** Every folder of src/ and the folders it may import ('*': any). */
export const ALLOWED_IMPORTS = Object.fromEntries(LAYERS.flatMap((l) => Object.entries(l.folders)));

/**
 * ESLint config blocks, one per folder of src/: importing a folder it may not use is a
 * `no-restricted-imports` error naming the rule. Relative imports are matched by the folder they
 * climb into (`../engine/…`, `../../engine/…`).
 */
export function layerRules() {
  const folders = Object.keys(ALLOWED_IMPORTS);
  return Object.entries(ALLOWED_IMPORTS).flatMap(([folder, allowed]) => {
    if (allowed === '*') return [];
    const forbidden = folders.filter((other) => other !== folder && !allowed.includes(other));
    const may = allowed.length > 0 ? allowed.join(', ') : 'nothing else in src';
    return [
      {
        files: [`src/${folder}/**/*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                {
                  regex: `^(\\.\\./)+(${forbidden.join('|')})/`,
                  message: `src/${folder} may import only from ${may} (layers.mjs): imports go down the layers, never up or sideways.`,
                },
              ],
            },
          ],
        },
      },
    ];
  });
}
