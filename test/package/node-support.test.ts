import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { repoRoot } from '../support/paths.js';

/**
 * Node's support calendar, kept honest: the AWS SDK's releases from January 2027 need Node 22, and
 * other packages drop Node 20 on their own calendars. package.json promises an oldest Node
 * (`engines` for the product, `devEngines` for building and testing it) and the image runs another;
 * every package the lock installs must promise to run on them. When one does not, pin a release that
 * does (a `~` range, or `overrides`), or move the floor to Node 22 in engines, CI and docs/dependencies.md.
 */
interface LockPackage {
  readonly version: string;
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string };
}
const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devEngines: { runtime: { name: string; version: string } };
  dependencies: Record<string, string>;
};
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockPackage> };
const oldest = (range: string) => semver.minVersion(range)?.version as string;
/** The Node version of every stage of the image, e.g. node:22.21-bookworm-slim → 22.21.0. */
const imageNodes = [...read('Dockerfile').matchAll(/^FROM node:(\d+\.\d+)\S*/gm)].map((m) => `${m[1]}.0`);

function unsupported(nodeVersions: readonly string[], dev: boolean): string[] {
  return Object.entries(lock.packages).flatMap(([path, p]) => {
    const range = p.engines?.node;
    if (path === '' || range === undefined || (p.dev === true) !== dev) return [];
    return nodeVersions.filter((v) => !semver.satisfies(v, range)).map((v) => `${path}@${p.version} needs Node ${range}, not ${v}`);
  });
}

test('every production package promises to run on the oldest Node in engines and on the image', () => {
  assert.ok(imageNodes.length > 0 && imageNodes.every((v) => semver.major(v) === 22), `the image runs Node 22: ${imageNodes.join(', ')}`);
  assert.deepEqual(unsupported([oldest(pkg.engines.node), ...imageNodes], false), []);
});

test('every development package promises to run on the oldest Node in devEngines', () => {
  assert.equal(pkg.devEngines.runtime.name, 'node');
  assert.ok(
    semver.gte(oldest(pkg.devEngines.runtime.version), oldest(pkg.engines.node)),
    'development needs at least what the product does',
  );
  assert.deepEqual(unsupported([oldest(pkg.devEngines.runtime.version)], true), []);
});

test('the AWS SDK cannot move to a release that needs Node 22: its range admits no newer minor', () => {
  for (const name of ['@aws-sdk/client-s3', '@smithy/node-http-handler']) {
    const range = pkg.dependencies[name] as string;
    const locked = lock.packages[`node_modules/${name}`]?.version as string;
    assert.ok(semver.satisfies(locked, range), `${name}@${locked} is in ${range}`);
    assert.ok(!semver.satisfies(semver.inc(locked, 'minor') as string, range), `${name}: ${range} would accept the next minor release`);
  }
});

test('CI runs the whole check (.ci/run) on Node 20, the oldest supported, and on Node 22, what the image runs', () => {
  const workflow = parse(read('.github/workflows/ci.yml')) as {
    jobs: { test: { strategy: { matrix: { node: number[] } }; steps: { run?: string }[] } };
  };
  const { node } = workflow.jobs.test.strategy.matrix;
  assert.ok(node.includes(semver.major(oldest(pkg.engines.node))), `the matrix ${node.join(', ')} has the engines floor`);
  for (const image of imageNodes) assert.ok(node.includes(semver.major(image)), `the matrix ${node.join(', ')} has the image's Node`);
  assert.ok(workflow.jobs.test.steps.some((s) => s.run === 'bash .ci/run'));
});
