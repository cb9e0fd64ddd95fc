import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../support/paths.js';

/**
 * The benchmarks are their own package (bench/package.json, bench/tsconfig.json): they may read the
 * product and test/support, the product never reads them. The build refuses such an import too (TS6307:
 * a file outside the product's project); this test names the file that makes one.
 */

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return typescriptFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test('no file of src/, test/ or scripts/ imports from bench/', () => {
  const bench = join(repoRoot, 'bench');
  const offenders: string[] = [];
  for (const file of ['src', 'test', 'scripts'].flatMap((dir) => typescriptFiles(join(repoRoot, dir)))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), match[1] as string);
      if (!relative(bench, target).startsWith('..')) offenders.push(`${relative(repoRoot, file)} imports ${match[1]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test("the product's project and image leave bench/ out", () => {
  const tsconfig = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.json'), 'utf8')) as {
    include: string[];
    compilerOptions: { composite?: boolean };
  };
  assert.deepEqual(tsconfig.include, ['src', 'test', 'scripts']);
  assert.equal(tsconfig.compilerOptions.composite, true, 'composite: a file outside `include` is a build error, not a quiet addition');
  assert.doesNotMatch(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'), /^COPY\s+bench\b/m);
});
