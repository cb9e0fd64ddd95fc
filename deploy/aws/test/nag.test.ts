import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { synthesize } from './support/stacks.js';

interface Violation {
  readonly ruleName: string;
  readonly violatingConstructs: { readonly constructPath: string }[];
}

/** Synthesizes, expecting cdk-nag to fail it; returns what it found, as `rule at construct` lines. */
function violations(app: App): string[] {
  // The message differs with and without source maps ("Validation failed. A copy…", "ValidationFailed: <where>…").
  assert.throws(
    () => app.synth(),
    (error: unknown) => /validation ?failed/i.test(String(error)),
  );
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: Violation[] }[];
  };
  return report.pluginReports
    .filter((r) => r.pluginName === 'AwsSolutions')
    .flatMap((r) =>
      r.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath.replace(/\/Resource$/, '')}`)),
    )
    .sort();
}

/** Every acknowledgement in the app, as `rule at construct` lines, with its reason. */
function acknowledgements(app: App): { finding: string; reason: string }[] {
  return app.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
            finding: `${id.replace(/^Annotation::/, '')} at ${c.node.path}`,
            reason,
          })),
        ),
    )
    .sort((a, b) => (a.finding < b.finding ? -1 : 1));
}

test("the stacks pass cdk-nag's AWS Solutions checks", () => {
  const { app } = synthesize();
  assert.doesNotThrow(() => app.synth());
});

test('a finding nobody acknowledged fails synthesis and is named', () => {
  const { app, primary } = synthesize();
  new Queue(primary, 'Unchecked');
  assert.deepEqual(violations(app), [
    'AwsSolutions-SQS3 at cinedex-catalogue/Unchecked',
    'AwsSolutions-SQS4 at cinedex-catalogue/Unchecked',
  ]);
});

test('each acknowledgement answers a finding that exists, in one line: none is stale, none is missing', () => {
  const acknowledged = acknowledgements(synthesize().app);
  assert.ok(acknowledged.length > 0);
  for (const { finding, reason } of acknowledged) {
    assert.match(reason, /^[^\n]{20,140}$/, `${finding}: one line of reason`);
  }
  const acknowledge = Validations.prototype.acknowledge;
  Validations.prototype.acknowledge = () => {};
  let unacknowledged: App;
  try {
    unacknowledged = synthesize().app;
  } finally {
    Validations.prototype.acknowledge = acknowledge;
  }
  assert.deepEqual(
    violations(unacknowledged),
    acknowledged.map((a) => a.finding),
  );
});
