import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { repoRoot } from '../support/paths.js';

interface ImportCyclesModule {
  importCycleRules(root?: string): Linter.Config[];
}
const { importCycleRules } = (await import(pathToFileURL(join(repoRoot, 'import-cycles.mjs')).href)) as ImportCyclesModule;

/** Lints a tree of files written to a temporary src/ with the rule as eslint.config.js sets it: each file's messages. */
async function lintTree(files: Record<string, string>): Promise<Map<string, Linter.LintMessage[]>> {
  const root = mkdtempSync(join(tmpdir(), 'cinedex-cycles-'));
  try {
    for (const [path, code] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), code);
    }
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser } }, ...importCycleRules()],
    });
    const results = await eslint.lintFiles(['src']);
    return new Map(results.map((r) => [r.filePath.slice(root.length + 1), r.messages]));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('lint rejects two files that import each other, even when one of the two imports is for a type only', async () => {
  // The shape catalogue-index.ts and plan.ts had: a value one way, a type the other.
  const messages = await lintTree({
    'src/engine/index.ts': "import type { Plan } from './plan.js';\nexport class Index {\n  plan?: Plan;\n}\n",
    'src/engine/plan.ts':
      "import { Index } from './index.js';\nexport interface Plan {\n  index: Index;\n}\nexport const made = new Index();\n",
  });
  for (const [file, loop] of [
    ['src/engine/index.ts', 'engine/index.ts → engine/plan.ts → engine/index.ts'],
    ['src/engine/plan.ts', 'engine/plan.ts → engine/index.ts → engine/plan.ts'],
  ] as const) {
    const found = messages.get(file) ?? [];
    assert.equal(found.length, 1, `${file}: ${JSON.stringify(found)}`);
    assert.equal(found[0]?.ruleId, 'cinedex/no-import-cycle');
    assert.equal(found[0]?.line, 1, 'reported at the import that closes the loop');
    assert.ok(found[0]?.message.includes(loop), found[0]?.message);
  }
});

test('lint names a longer loop, through re-exports and dynamic imports, and leaves the files off it alone', async () => {
  const messages = await lintTree({
    'src/a/first.ts': "export * from '../b/second.js';\n",
    'src/b/second.ts': "export const load = () => import('../c/third.js');\n",
    'src/c/third.ts': "import { load } from '../a/first.js';\nexport const again = load;\n",
    // Imports the loop without being on it.
    'src/d/user.ts': "import { load } from '../a/first.js';\nexport const used = load;\n",
  });
  const first = messages.get('src/a/first.ts') ?? [];
  assert.equal(first[0]?.ruleId, 'cinedex/no-import-cycle');
  assert.ok(first[0]?.message.includes('a/first.ts → b/second.ts → c/third.ts → a/first.ts'), first[0]?.message);
  assert.equal(messages.get('src/b/second.ts')?.[0]?.ruleId, 'cinedex/no-import-cycle');
  assert.equal(messages.get('src/c/third.ts')?.[0]?.ruleId, 'cinedex/no-import-cycle');
  assert.deepEqual(messages.get('src/d/user.ts'), []);
});

test('npm run lint applies the rule to every file of src/ (eslint.config.js)', async () => {
  const eslint = new ESLint({ cwd: repoRoot });
  for (const file of ['src/engine/plan.ts', 'src/engine/build/build-index.ts', 'src/cli/main.ts']) {
    const config = (await eslint.calculateConfigForFile(join(repoRoot, file))) as Linter.Config;
    const setting = config.rules?.['cinedex/no-import-cycle'];
    assert.ok(Array.isArray(setting) && (setting[0] === 2 || setting[0] === 'error'), `${file}: ${JSON.stringify(setting)}`);
  }
});
