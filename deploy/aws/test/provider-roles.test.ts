import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Template } from 'aws-cdk-lib/assertions';
import { BUCKET_ACTIONS, KEY_ACTIONS, OBJECT_READS, OBJECT_WRITES, QUEUE_ACTIONS } from './support/actions.js';
import { allows, TemplateArns } from './support/iam.js';
import { ACCOUNT, PRIMARY, PRIMARY_BUCKET, synthesize } from './support/stacks.js';

// cdk.json's providers: boxoffice (this account) and archive-partner (another account, with an external id).
const { primary } = synthesize();
const template = Template.fromStack(primary);
const arns = new TemplateArns(template, ACCOUNT, PRIMARY);
const KEY = arns.arnOfOnly('AWS::KMS::Key');
const BUCKET = `arn:aws:s3:::${PRIMARY_BUCKET}`;

test('a provider role: put under its own inbox prefix, and encrypt through S3 with the bucket key', () => {
  assert.deepEqual(arns.roleStatements('cinedex-provider-boxoffice'), [
    { Sid: 'PutOwnInboxPrefix', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${BUCKET}/inbox/boxoffice/*`] },
    {
      Sid: 'EncryptThroughS3',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Encrypt'],
      Resource: [KEY],
      Condition: { StringEquals: { 'kms:ViaService': `s3.${PRIMARY}.amazonaws.com` } },
    },
  ]);
});

test('a provider cannot read, list, delete, or write anywhere but its own prefix', () => {
  const statements = arns.roleStatements('cinedex-provider-boxoffice');
  assert.ok(allows(statements, 's3:PutObject', `${BUCKET}/inbox/boxoffice/2024/06/new.json`));
  for (const key of [
    'inbox/archive-partner/x.json',
    'inbox/x.json',
    'inbox/boxoffice',
    'inbox/boxofficeX/x.json',
    'catalogue/current.json',
    'boxoffice/x.json',
  ]) {
    assert.ok(!allows(statements, 's3:PutObject', `${BUCKET}/${key}`), key);
  }
  for (const action of [...OBJECT_READS, ...OBJECT_WRITES.filter((a) => a !== 's3:PutObject')]) {
    assert.ok(!allows(statements, action, `${BUCKET}/inbox/boxoffice/own.json`), `${action} on its own file`);
  }
  for (const action of BUCKET_ACTIONS) assert.ok(!allows(statements, action, BUCKET), action);
  for (const action of QUEUE_ACTIONS) assert.ok(!allows(statements, action, `arn:aws:sqs:${PRIMARY}:${ACCOUNT}:cinedex-inbox`), action);
  // Decrypt would let whoever holds the key's data read objects through S3 with some other grant: providers never need it.
  for (const action of KEY_ACTIONS.filter((a) => a !== 'kms:Encrypt' && a !== 'kms:GenerateDataKey'))
    assert.ok(!allows(statements, action, KEY), action);
});

test("each provider has its own role, and one provider's role cannot write the other's prefix", () => {
  const partner = arns.roleStatements('cinedex-provider-archive-partner');
  assert.ok(allows(partner, 's3:PutObject', `${BUCKET}/inbox/archive-partner/a.json`));
  assert.ok(!allows(partner, 's3:PutObject', `${BUCKET}/inbox/boxoffice/a.json`));
  assert.ok(!allows(arns.roleStatements('cinedex-provider-boxoffice'), 's3:PutObject', `${BUCKET}/inbox/archive-partner/a.json`));
});

test("a provider role trusts the provider's account, with its external id when it has one", () => {
  assert.deepEqual(arns.trustOf('cinedex-provider-boxoffice'), [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['sts:AssumeRole'], Resource: [] },
  ]);
  assert.deepEqual(arns.trustOf('cinedex-provider-archive-partner'), [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::210987654321:root' },
      Action: ['sts:AssumeRole'],
      Resource: [],
      Condition: { StringEquals: { 'sts:ExternalId': 'cinedex-archive-partner' } },
    },
  ]);
});

test('the providers come from the settings, each with an output naming its role', () => {
  const { primary: one } = synthesize({ providers: JSON.stringify([{ name: 'studio-7' }]) });
  const oneTemplate = Template.fromStack(one);
  const roles = new TemplateArns(oneTemplate, ACCOUNT, PRIMARY).roleNames().filter((r) => r.includes('-provider-'));
  assert.deepEqual(roles, ['cinedex-provider-studio-7']);
  oneTemplate.hasOutput('ProviderRoleArnStudio7', {});
  template.hasOutput('ProviderRoleArnBoxoffice', {});
  template.hasOutput('ProviderRoleArnArchivePartner', {});
});
