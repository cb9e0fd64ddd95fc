import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TemplateArns, type Statement } from './support/iam.js';
import { ACCOUNT, PRIMARY, PRIMARY_BUCKET, synthesize } from './support/stacks.js';

const { primary } = synthesize();
const template = Template.fromStack(primary);
const arns = new TemplateArns(template, ACCOUNT, PRIMARY);
const QUEUE = `arn:aws:sqs:${PRIMARY}:${ACCOUNT}:cinedex-inbox`;
const DEAD_LETTERS = `arn:aws:sqs:${PRIMARY}:${ACCOUNT}:cinedex-inbox-dead-letters`;

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;
const resources = (template.toJSON() as { Resources: Resources }).Resources;

function queueProperties(t: Template, name: string): Record<string, unknown> {
  const all = (t.toJSON() as { Resources: Resources }).Resources;
  const queue = Object.values(all).find((r) => r.Type === 'AWS::SQS::Queue' && r.Properties.QueueName === name);
  assert.ok(queue, `queue ${name}`);
  return queue.Properties;
}

function queuePolicy(queueArn: string): Statement[] {
  // A policy names its queues by Ref (their URL); compare their ARNs.
  const arnOf = (queue: unknown) => arns.resolve({ 'Fn::GetAtt': [(queue as { Ref: string }).Ref, 'Arn'] });
  const policy = Object.values(resources).find(
    (r) => r.Type === 'AWS::SQS::QueuePolicy' && (r.Properties.Queues as unknown[]).some((q) => arnOf(q) === queueArn),
  );
  assert.ok(policy, `a policy on ${queueArn}`);
  return (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement.map((s) => arns.statement(s));
}

const tlsOnly = (queue: string): Statement => ({
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: ['sqs:*'],
  Resource: [queue],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

test('the inbox queue: encrypted, long-polled, kept 14 days, and dead-lettered after maxReceiveCount receives (default 5)', () => {
  const queue = queueProperties(template, 'cinedex-inbox');
  assert.equal(queue.SqsManagedSseEnabled, true);
  assert.equal(queue.ReceiveMessageWaitTimeSeconds, 20);
  assert.equal(queue.MessageRetentionPeriod, 14 * 86_400);
  assert.equal(queue.VisibilityTimeout, 300);
  const redrive = queue.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
  assert.equal(arns.resolve(redrive.deadLetterTargetArn), DEAD_LETTERS);
  assert.equal(redrive.maxReceiveCount, 5);
});

test('the dead-letter queue: encrypted, kept 14 days, and the end of the line (no redrive of its own)', () => {
  const deadLetters = queueProperties(template, 'cinedex-inbox-dead-letters');
  assert.equal(deadLetters.SqsManagedSseEnabled, true);
  assert.equal(deadLetters.MessageRetentionPeriod, 14 * 86_400);
  assert.equal(deadLetters.RedrivePolicy, undefined);
});

test('maxReceiveCount and the visibility timeout are settings', () => {
  const { primary: changed } = synthesize({ maxReceiveCount: '3', queueVisibilityTimeoutSeconds: 900 });
  const queue = queueProperties(Template.fromStack(changed), 'cinedex-inbox');
  assert.equal((queue.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount, 3);
  assert.equal(queue.VisibilityTimeout, 900);
});

test('queue policies: TLS only on both; only S3, for this bucket in this account, may send to the inbox queue', () => {
  assert.deepEqual(queuePolicy(QUEUE), [
    tlsOnly(QUEUE),
    {
      Sid: 'InboxNotificationsFromTheBucket',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: ['sqs:SendMessage'],
      Resource: [QUEUE],
      Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:s3:::${PRIMARY_BUCKET}` }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    },
  ]);
  assert.deepEqual(queuePolicy(DEAD_LETTERS), [tlsOnly(DEAD_LETTERS)]);
});

test('the bucket notifies the queue of every object created under inbox/, and of nothing else', () => {
  const [bucketId, bucket] = Object.entries(resources).find(([, r]) => r.Properties.BucketName === PRIMARY_BUCKET) ?? [];
  assert.ok(bucketId && bucket);
  const configuration = bucket.Properties.NotificationConfiguration as {
    QueueConfigurations: { Event: string; Queue: unknown; Filter: unknown }[];
  };
  assert.deepEqual(Object.keys(configuration), ['QueueConfigurations']);
  assert.deepEqual(
    configuration.QueueConfigurations.map((c) => ({ ...c, Queue: arns.resolve(c.Queue) })),
    [{ Event: 's3:ObjectCreated:*', Queue: QUEUE, Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'inbox/' }] } } }],
  );
  // S3 sends a test event when the configuration is created: the queue must already accept it.
  const policyId = Object.keys(resources).find(
    (id) => resources[id]?.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(resources[id]?.Properties).includes('s3.amazonaws.com'),
  );
  assert.ok(policyId && bucket.DependsOn?.includes(policyId), 'the bucket is created after the queue policy');
  // Declared on the bucket: no notification custom resource, no Lambda function.
  template.resourceCountIs('AWS::Lambda::Function', 0);
  template.resourceCountIs('Custom::S3BucketNotifications', 0);
});

test('the stack outputs MOVIES_INBOX_QUEUE and the dead-letter queue', () => {
  template.hasOutput('InboxQueueUrl', { Value: { Ref: Match.stringLikeRegexp('^InboxQueue') } });
  template.hasOutput('InboxDeadLetterQueueUrl', { Value: { Ref: Match.stringLikeRegexp('^InboxDeadLetters') } });
});
