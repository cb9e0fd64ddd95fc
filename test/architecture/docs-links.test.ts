import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../support/paths.js';

/**
 * The docs are read by following their links: README's index into docs/, docs/performance.md into
 * docs/investigations/, each file into the sections of another. A file moved or a heading reworded
 * breaks a link silently on GitHub; this test names each one.
 */

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'cdk.out']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIPPED_DIRS.has(name) ? [] : markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped but for `-` and `_`, spaces as `-`. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every heading's anchor in a file, with GitHub's `-1`, `-2` for repeated ones; code blocks skipped. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const anchor = headingAnchor(heading);
    const times = seen.get(anchor) ?? 0;
    anchors.add(times === 0 ? anchor : `${anchor}-${times}`);
    seen.set(anchor, times + 1);
  }
  return anchors;
}

/** The relative links of a Markdown file (`[text](target)`), outside code blocks and code spans. */
function relativeLinks(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

test('every relative link of the repository Markdown files names a file that exists, and a heading in it', () => {
  const broken: string[] = [];
  const anchors = new Map<string, Set<string>>();
  const anchorsIn = (file: string): Set<string> => {
    let found = anchors.get(file);
    if (found === undefined) anchors.set(file, (found = anchorsOf(readFileSync(file, 'utf8'))));
    return found;
  };
  for (const file of markdownFiles(repoRoot)) {
    for (const link of relativeLinks(readFileSync(file, 'utf8'))) {
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      const where = `${relative(repoRoot, file)} → ${link}`;
      if (!existsSync(target)) broken.push(`${where}: no such file`);
      else if (anchor !== undefined && target.endsWith('.md') && !anchorsIn(target).has(anchor)) broken.push(`${where}: no such heading`);
    }
  }
  assert.deepEqual(broken, []);
});

test("the anchors are GitHub's: punctuation dropped, spaces kept as hyphens, repeats numbered", () => {
  assert.equal(
    headingAnchor('Relevance of `q` (131 hand-labelled queries, bench/relevance)'),
    'relevance-of-q-131-hand-labelled-queries-benchrelevance',
  );
  assert.equal(headingAnchor('The AWS stack (deploy/aws)'), 'the-aws-stack-deployaws');
  assert.equal(headingAnchor('Two commands'), 'two-commands');
  assert.deepEqual([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n### B c')], ['a', 'a-1', 'b-c']);
  assert.deepEqual(relativeLinks('[x](a.md#b) [y](https://e.org) `[z](c.md)` [w](../d.md)'), ['a.md#b', '../d.md']);
});
