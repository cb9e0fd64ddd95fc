import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Template } from 'aws-cdk-lib/assertions';
import { BUCKET_ACTIONS, KEY_ACTIONS, OBJECT_READS, OBJECT_WRITES, QUEUE_ACTIONS } from './support/actions.js';
import { allows, TemplateArns } from './support/iam.js';
import { ACCOUNT, CDK_CONTEXT, PRIMARY, PRIMARY_BUCKET, synthesize } from './support/stacks.js';

const { primary } = synthesize();
const arns = new TemplateArns(Template.fromStack(primary), ACCOUNT, PRIMARY);
const KEY = arns.arnOfOnly('AWS::KMS::Key');
const QUEUE = `arn:aws:sqs:${PRIMARY}:${ACCOUNT}:cinedex-inbox`;
const DEAD_LETTERS = `arn:aws:sqs:${PRIMARY}:${ACCOUNT}:cinedex-inbox-dead-letters`;
const BUCKET = `arn:aws:s3:::${PRIMARY_BUCKET}`;
const OIDC = CDK_CONTEXT.oidcProviderArn as string;
const ISSUER = OIDC.slice(OIDC.indexOf('oidc-provider/') + 'oidc-provider/'.length);
const VIA_S3 = { StringEquals: { 'kms:ViaService': `s3.${PRIMARY}.amazonaws.com` } };

function trustFor(serviceAccount: string) {
  return [
    {
      Effect: 'Allow',
      Principal: { Federated: OIDC },
      Action: ['sts:AssumeRoleWithWebIdentity'],
      Resource: [],
      Condition: {
        StringEquals: { [`${ISSUER}:sub`]: `system:serviceaccount:cinedex:${serviceAccount}`, [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
      },
    },
  ];
}

test('the serving role: get catalogue objects and decrypt them through S3, nothing else', () => {
  assert.deepEqual(arns.roleStatements(`cinedex-serving-${PRIMARY}`), [
    { Sid: 'ReadCatalogue', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${BUCKET}/catalogue/*`] },
    { Sid: 'UseKeyThroughS3', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY], Condition: VIA_S3 },
  ]);
});

test("the serving role is assumed only by the API pods' ServiceAccount, through the cluster's OIDC provider", () => {
  assert.deepEqual(arns.trustOf(`cinedex-serving-${PRIMARY}`), trustFor('cinedex'));
});

test('the serving role cannot write, delete, list, read the inbox or touch the queue', () => {
  const statements = arns.roleStatements(`cinedex-serving-${PRIMARY}`);
  assert.ok(allows(statements, 's3:GetObject', `${BUCKET}/catalogue/current.json`));
  for (const action of OBJECT_WRITES) {
    for (const key of ['catalogue/current.json', 'inbox/boxoffice/a.json'])
      assert.ok(!allows(statements, action, `${BUCKET}/${key}`), `${action} ${key}`);
  }
  for (const action of OBJECT_READS) assert.ok(!allows(statements, action, `${BUCKET}/inbox/boxoffice/a.json`), action);
  for (const action of BUCKET_ACTIONS) assert.ok(!allows(statements, action, BUCKET), action);
  for (const action of QUEUE_ACTIONS) assert.ok(!allows(statements, action, QUEUE), action);
  for (const action of KEY_ACTIONS.filter((a) => a !== 'kms:Decrypt')) assert.ok(!allows(statements, action, KEY), action);
});

test('the ingestion role: read the inbox, rewrite the catalogue, list both prefixes, consume the queue, use the key through S3', () => {
  assert.deepEqual(arns.roleStatements('cinedex-ingestion'), [
    { Sid: 'ReadInbox', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${BUCKET}/inbox/*`] },
    {
      Sid: 'ReadWriteCatalogue',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      Resource: [`${BUCKET}/catalogue/*`],
    },
    {
      Sid: 'ListInboxAndCatalogue',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [BUCKET],
      Condition: { StringLike: { 's3:prefix': ['inbox/*', 'catalogue/*'] } },
    },
    {
      Sid: 'ConsumeInboxQueue',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      Resource: [QUEUE],
    },
    { Sid: 'UseKeyThroughS3', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [KEY], Condition: VIA_S3 },
  ]);
  assert.deepEqual(arns.trustOf('cinedex-ingestion'), trustFor('cinedex-ingest'));
});

test('the ingestion role never changes an inbox file, never erases a version, never sends to or drains the queues', () => {
  const statements = arns.roleStatements('cinedex-ingestion');
  assert.ok(allows(statements, 's3:DeleteObject', `${BUCKET}/catalogue/segments/old`));
  assert.ok(allows(statements, 's3:AbortMultipartUpload', `${BUCKET}/catalogue/segments/new`));
  assert.ok(allows(statements, 's3:GetObject', `${BUCKET}/inbox/boxoffice/a.json`));
  for (const action of OBJECT_WRITES) assert.ok(!allows(statements, action, `${BUCKET}/inbox/boxoffice/a.json`), action);
  assert.ok(!allows(statements, 's3:DeleteObjectVersion', `${BUCKET}/catalogue/current.json`));
  assert.ok(!allows(statements, 's3:GetObject', `arn:aws:s3:::another-bucket/catalogue/x`));
  for (const action of ['sqs:SendMessage', 'sqs:PurgeQueue', 'sqs:SetQueueAttributes', 'sqs:DeleteQueue'])
    assert.ok(!allows(statements, action, QUEUE), action);
  for (const action of QUEUE_ACTIONS) assert.ok(!allows(statements, action, DEAD_LETTERS), `${action} on the dead-letter queue`);
  for (const action of ['s3:PutBucketPolicy', 's3:DeleteBucket', 's3:PutLifecycleConfiguration', 's3:PutBucketNotification'])
    assert.ok(!allows(statements, action, BUCKET), action);
});

test('no role of the stack can delete or overwrite an inbox file: they expire by lifecycle only', () => {
  const roles = arns.roleNames();
  assert.ok(roles.length >= 5, `all the roles: ${roles.join(', ')}`);
  for (const role of roles) {
    const statements = arns.roleStatements(role);
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutLifecycleConfiguration']) {
      assert.ok(
        !allows(statements, action, `${BUCKET}/inbox/boxoffice/a.json`) && !allows(statements, action, BUCKET),
        `${role}: ${action}`,
      );
    }
  }
});

test('the namespace and ServiceAccount names the pods run as are settings', () => {
  const { primary: renamed } = synthesize({ namespace: 'movies', servingServiceAccount: 'api', ingestionServiceAccount: 'ingester' });
  const renamedArns = new TemplateArns(Template.fromStack(renamed), ACCOUNT, PRIMARY);
  const sub = (role: string) => (renamedArns.trustOf(role)[0]?.Condition?.StringEquals as Record<string, string>)[`${ISSUER}:sub`];
  assert.equal(sub(`cinedex-serving-${PRIMARY}`), 'system:serviceaccount:movies:api');
  assert.equal(sub('cinedex-ingestion'), 'system:serviceaccount:movies:ingester');
});
