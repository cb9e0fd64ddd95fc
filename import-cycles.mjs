// @ts-check
/**
 * A lint rule: no import cycle between the files of src/. layers.mjs keeps the folders acyclic; this
 * keeps the files so. Type-only imports count: two files that import each other, even for a type,
 * are one concept split in two or two concepts tangled (engine/catalogue-index.ts and engine/plan.ts
 * were, one way for a type). import-x/no-cycle skips type-only imports, so it would not have seen it.
 *
 * The graph comes from every file's import specifiers (static, dynamic, `export … from`), read by
 * TypeScript's pre-processor (no type checking), again whenever a file of src/ changes; each file on
 * a cycle gets an error at each import that stays on it, naming the loop.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * @typedef {object} Analysis
 * @property {Map<string, string[]>} graph file → the files of the tree it imports
 * @property {Map<string, number>} component file → its strongly connected component, for files on a cycle only
 */

/** @type {{ key: string; analysis: Analysis } | undefined} */
let cached;

/** @param {string} dir @returns {string[]} */
function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The file a relative specifier names (`./x.js` is `./x.ts` under NodeNext), or undefined for a package.
 * @param {string} from @param {string} specifier
 */
function target(from, specifier) {
  return specifier.startsWith('.') ? resolve(dirname(from), specifier).replace(/\.js$/, '.ts') : undefined;
}

/** @param {string} root @returns {Analysis} */
function analyse(root) {
  const files = sourceFiles(root).sort();
  // Modification times and sizes: a lint run reads the sources once, an editor's server again after an edit.
  const key = files
    .map((file) => {
      const { mtimeMs, size } = statSync(file);
      return `${file}:${mtimeMs}:${size}`;
    })
    .join('\n');
  if (cached?.key === key) return cached.analysis;
  const known = new Set(files);
  /** @type {Map<string, string[]>} */
  const graph = new Map();
  for (const file of files) {
    const imported = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => target(file, f.fileName));
    graph.set(file, [...new Set(imported.filter((to) => to !== undefined && known.has(to)))]);
  }
  const analysis = { graph, component: cycles(graph) };
  cached = { key, analysis };
  return analysis;
}

/**
 * The strongly connected components that hold a cycle (Tarjan's algorithm): two files are in the
 * same one when each reaches the other. @param {Map<string, string[]>} graph
 */
function cycles(graph) {
  /** @type {Map<string, number>} */
  const index = new Map();
  /** @type {Map<string, number>} */
  const low = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  /** @type {Map<string, number>} */
  const component = new Map();
  let next = 0;
  let components = 0;
  /** @param {string} v */
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (low.get(w))));
      } else if (onStack.has(w)) low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (index.get(w))));
    }
    if (low.get(v) !== index.get(v)) return;
    /** @type {string[]} */
    const members = [];
    let w;
    do {
      w = /** @type {string} */ (stack.pop());
      onStack.delete(w);
      members.push(w);
    } while (w !== v);
    if (members.length > 1 || (graph.get(v) ?? []).includes(v)) {
      for (const m of members) component.set(m, components);
      components++;
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return component;
}

/** The shortest way from `to` back to `from` within their component, as the loop `from → to → … → from`. */
function loop(/** @type {Analysis} */ { graph, component }, /** @type {string} */ from, /** @type {string} */ to) {
  const own = component.get(from);
  /** @type {Map<string, string>} */
  const cameFrom = new Map([[to, from]]);
  const queue = [to];
  for (let at = 0; at < queue.length && !cameFrom.has(from); at++) {
    const v = /** @type {string} */ (queue[at]);
    for (const w of graph.get(v) ?? []) {
      if (component.get(w) !== own || cameFrom.has(w)) continue;
      cameFrom.set(w, v);
      queue.push(w);
    }
  }
  const path = [from];
  for (let v = /** @type {string | undefined} */ (cameFrom.get(from)); v !== undefined && v !== from; v = cameFrom.get(v)) path.push(v);
  return [...path, from].reverse();
}

/** @type {import('eslint').Rule.RuleModule} */
const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'no import cycle between files (type-only imports included)' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      cycle: 'Import cycle: {{loop}}. No file may reach itself through its imports (import-cycles.mjs): move what both need below them.',
    },
  },
  create(context) {
    const root = resolve(context.cwd, context.options[0]?.root ?? 'src');
    const file = context.filename;
    const analysis = analyse(root);
    if (!analysis.component.has(file)) return {};
    /** @param {{ source?: unknown }} node */
    const check = (node) => {
      const source = /** @type {{ value?: unknown } | null | undefined} */ (node.source);
      const to = typeof source?.value === 'string' ? target(file, source.value) : undefined;
      if (to === undefined || analysis.component.get(to) !== analysis.component.get(file)) return;
      const names = loop(analysis, file, to).map((f) => relative(root, f));
      context.report({ node: /** @type {import('estree').Node} */ (node), messageId: 'cycle', data: { loop: names.join(' → ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

/** The ESLint config block that turns the rule on for src/ (eslint.config.js; test/architecture/import-cycles.test.ts). */
export function importCycleRules(root = 'src') {
  return [
    {
      files: [`${root}/**/*.ts`],
      plugins: { cinedex: { rules: { 'no-import-cycle': noImportCycle } } },
      rules: { 'cinedex/no-import-cycle': ['error', { root }] },
    },
  ];
}
