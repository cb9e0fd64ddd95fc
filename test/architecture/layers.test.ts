import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { repoRoot } from '../support/paths.js';

interface LayersModule {
  readonly ALLOWED_IMPORTS: Readonly<Record<string, readonly string[] | '*'>>;
  layerRules(): Linter.Config[];
}
const layers = (await import(pathToFileURL(join(repoRoot, 'layers.mjs')).href)) as LayersModule;
const src = join(repoRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** folder → folders it imports, read from the sources' relative import specifiers (static and dynamic). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(src)) {
    const from = relative(src, file).split('/')[0] as string;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = relative(src, resolve(dirname(file), match[1] as string)).split('/')[0] as string;
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

test('every folder of src/ has a place in the layers, and imports only what its layer allows', () => {
  const graph = folderGraph();
  assert.deepEqual([...graph.keys()].sort(), Object.keys(layers.ALLOWED_IMPORTS).sort(), 'layers.mjs names exactly the folders of src/');
  for (const [from, targets] of graph) {
    const allowed = layers.ALLOWED_IMPORTS[from];
    if (allowed === '*') continue;
    for (const to of targets) assert.ok(allowed?.includes(to), `src/${from} imports src/${to}, which layers.mjs does not allow`);
  }
});

test('the folder import graph has no cycle', () => {
  const graph = folderGraph();
  const done = new Set<string>();
  const visit = (folder: string, path: string[]): void => {
    if (done.has(folder)) return;
    assert.ok(!path.includes(folder), `cycle: ${[...path, folder].join(' → ')}`);
    for (const next of graph.get(folder) ?? []) visit(next, [...path, folder]);
    done.add(folder);
  };
  for (const folder of graph.keys()) visit(folder, []);
});

test('lint rejects an import that goes up or sideways, and accepts one that goes down', async () => {
  const eslint = new ESLint({
    cwd: repoRoot,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser } }, ...layers.layerRules()],
  });
  const lint = async (file: string, code: string) => (await eslint.lintText(code, { filePath: join(repoRoot, file) }))[0]?.messages ?? [];
  const up = await lint('src/engine/wrong.ts', "import { buildServer } from '../http/server.js';\nexport const x = buildServer;\n");
  assert.equal(up[0]?.ruleId, 'no-restricted-imports', 'the pure core importing the HTTP server');
  const engineMay = layers.ALLOWED_IMPORTS.engine;
  assert.ok(Array.isArray(engineMay) && !engineMay.includes('http'));
  assert.ok(up[0]?.message.includes(`src/engine may import only from ${engineMay.join(', ')} (layers.mjs)`), up[0]?.message);
  const sideways = await lint(
    'src/http/routes/wrong.ts',
    "import { LiveCatalogue } from '../../live/live-catalogue.js';\nexport const x = LiveCatalogue;\n",
  );
  assert.equal(sideways[0]?.ruleId, 'no-restricted-imports', 'HTTP reaching into the serving lifecycle instead of CatalogueReader');
  const client = await lint(
    'src/client/wrong.ts',
    "import { MOVIE_ID_PATTERN } from '../catalogue/id.js';\nexport const x = MOVIE_ID_PATTERN;\n",
  );
  assert.equal(client[0]?.ruleId, 'no-restricted-imports', 'the published client reaching into the product');
  assert.match(client[0]?.message ?? '', /src\/client may import only from nothing else in src/);
  const down = await lint('src/http/wrong.ts', "import { searchMovies } from '../engine/search.js';\nexport const x = searchMovies;\n");
  assert.deepEqual(down, [], 'HTTP may use the engine');
});
