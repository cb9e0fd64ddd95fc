import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CAPACITY_VARIABLES } from '../capacity/settings.js';
import { DELTAS_VARIABLES } from '../deltas/main.js';
import { RESTART_VARIABLES } from '../deltas/restart.js';
import { BENCH_HOST } from '../lib/host.js';
import { CINEDEX_CLI } from '../lib/servers.js';
import { variablesTable } from '../lib/settings.js';
import { SCALE_VARIABLES } from '../scale/settings.js';
import { RUN_VARIABLES } from '../settings.js';
import { SOAK_VARIABLES } from '../soak/settings.js';
import { repoRoot } from '../../test/support/paths.js';

const bench = join(repoRoot, 'bench');
const readme = readFileSync(join(bench, 'README.md'), 'utf8');

/** The TypeScript sources of the bench package, its tests left out. */
function sources(dir = bench): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test' || name === 'node_modules' ? [] : sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test("bench/README.md's variable tables are the variables as declared: name, default and meaning", () => {
  const groups = [
    [...RUN_VARIABLES, CINEDEX_CLI, BENCH_HOST],
    SCALE_VARIABLES,
    SOAK_VARIABLES,
    CAPACITY_VARIABLES,
    [...DELTAS_VARIABLES],
    [...RESTART_VARIABLES],
  ];
  for (const group of groups) {
    const table = variablesTable(group);
    assert.ok(readme.includes(table), `README.md lacks, or has another version of, this table:\n${table}`);
  }
});

test('every BENCH_*, CAPACITY_* or SOAK_* name the bench sources mention is in bench/README.md', () => {
  const mentioned = sources().flatMap((file) => readFileSync(file, 'utf8').match(/\b(?:BENCH|CAPACITY|SOAK)_[A-Z0-9_]+\b/g) ?? []);
  // Lists of declarations (SOAK_VARIABLES) are code, and prefixes (BENCH_SCALE_*) stand for the variables of a group.
  const names = new Set(mentioned.filter((name) => !name.endsWith('_VARIABLES') && !name.endsWith('_')));
  assert.ok(names.size >= 40, `${names.size} names`);
  for (const name of names) assert.ok(readme.includes(`\`${name}\``), `${name} is not in bench/README.md`);
});

test('every scenario folder runs alone through an npm script the README names', () => {
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const scenarios = readdirSync(bench).filter((name) => existsSync(join(bench, name, 'main.ts')));
  assert.deepEqual(scenarios.sort(), ['capacity', 'deltas', 'engine', 'http', 'ingest', 'relevance', 'scale', 'search', 'soak']);
  for (const scenario of scenarios) {
    assert.match(scripts[`bench:${scenario}`] ?? '', new RegExp(` dist/bench/${scenario}/main\\.js$`), `npm run bench:${scenario}`);
    assert.ok(readme.includes(`\`npm run bench:${scenario}\``), `README.md names npm run bench:${scenario}`);
    assert.ok(readme.includes(`[${scenario}/](${scenario}/)`), `README.md links ${scenario}/`);
  }
  assert.match(scripts.bench ?? '', / dist\/bench\/main\.js$/);
});
