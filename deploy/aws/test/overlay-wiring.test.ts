import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { parseAllDocuments } from 'yaml';
import { TemplateArns } from './support/iam.js';
import { ACCOUNT, packageRoot, PRIMARY, synthesize } from './support/stacks.js';

// deploy/k8s/overlays/production is the cluster side of cdk.json's deployment: it must name what the stack creates.
interface K8sObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly data?: Record<string, string>;
  readonly spec?: Record<string, unknown>;
}

const objects = parseAllDocuments(
  execFileSync('kubectl', ['kustomize', join(packageRoot, '../k8s/overlays/production')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }),
).map((d) => d.toJS() as K8sObject);
const template = Template.fromStack(synthesize().primary);
const arns = new TemplateArns(template, ACCOUNT, PRIMARY);
const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
const output = (name: string) => arns.resolve(outputs[name]?.Value);

function find(kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name.startsWith(name));
  assert.ok(found, `${kind} ${name} in the production overlay`);
  return found;
}

/** The ServiceAccount a workload's pods run as. */
function serviceAccountOf(kind: string, name: string): string {
  const spec = find(kind, name).spec as {
    template?: { spec: { serviceAccountName: string } };
    jobTemplate?: { spec: { template: { spec: { serviceAccountName: string } } } };
  };
  return (spec.template ?? spec.jobTemplate?.spec.template)?.spec.serviceAccountName ?? '';
}

test("the overlay's store, inbox and region are the stack's outputs", () => {
  const config = find('ConfigMap', 'cinedex-config').data ?? {};
  assert.equal(config.MOVIES_STORE, output('MoviesStore'));
  assert.equal(config.MOVIES_INBOX, output('MoviesInbox'));
  assert.equal(config.AWS_REGION, PRIMARY);
  // The bucket refuses writes asking for another encryption, and for aws:kms without its key's ARN.
  assert.equal(config.MOVIES_S3_SSE, undefined);
});

test('each workload runs as the ServiceAccount whose role the stack made for it, and that role trusts exactly it', () => {
  const workloads = [
    { kind: 'Deployment', name: 'cinedex-api', role: output('ServingRoleArn') },
    { kind: 'Deployment', name: 'cinedex-ingest-watcher', role: output('IngestionRoleArn') },
    { kind: 'Job', name: 'cinedex-seed', role: output('IngestionRoleArn') },
  ];
  for (const { kind, name, role } of workloads) {
    const serviceAccount = find('ServiceAccount', serviceAccountOf(kind, name));
    assert.equal(serviceAccount.metadata.annotations?.['eks.amazonaws.com/role-arn'], role, `${kind} ${name}`);
    const roleName = role.slice(role.lastIndexOf('/') + 1);
    const subjects = arns
      .trustOf(roleName)
      .flatMap((s) => Object.entries(s.Condition?.StringEquals ?? {}).filter(([key]) => key.endsWith(':sub')));
    assert.deepEqual(
      subjects.map(([, value]) => value),
      [`system:serviceaccount:${serviceAccount.metadata.namespace}:${serviceAccount.metadata.name}`],
      `${roleName} trusts ${kind} ${name}'s ServiceAccount`,
    );
  }
  assert.notEqual(
    serviceAccountOf('Deployment', 'cinedex-api'),
    serviceAccountOf('Deployment', 'cinedex-ingest-watcher'),
    'serving and ingestion are apart',
  );
});

test("the queue watcher consumes the stack's inbox queue, the one the bucket notifies", () => {
  const spec = find('Deployment', 'cinedex-ingest-watcher').spec as {
    template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } };
  };
  const queueUrl = spec.template.spec.containers[0]?.env?.find((e) => e.name === 'MOVIES_INBOX_QUEUE')?.value;
  assert.equal(queueUrl, output('InboxQueueUrl'));
  assert.match(queueUrl ?? '', new RegExp(`^https://sqs\\.${PRIMARY}\\.amazonaws\\.com/${ACCOUNT}/`));
  const notified = (
    Object.values(template.findResources('AWS::S3::Bucket')).flatMap(
      (bucket) =>
        (bucket as { Properties?: { NotificationConfiguration?: { QueueConfigurations?: { Queue: unknown }[] } } }).Properties
          ?.NotificationConfiguration?.QueueConfigurations ?? [],
    ) as { Queue: unknown }[]
  ).map((q) => arns.resolve(q.Queue));
  assert.deepEqual(
    notified.map((arn) => arn.slice(arn.lastIndexOf(':') + 1)),
    [queueUrl?.slice(queueUrl.lastIndexOf('/') + 1)],
  );
});
