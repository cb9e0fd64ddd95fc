import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Template } from 'aws-cdk-lib/assertions';
import { allows, TemplateArns } from './support/iam.js';
import { ACCOUNT, CDK_CONTEXT, PRIMARY, PRIMARY_BUCKET, REPLICA, REPLICA_BUCKET, synthesize } from './support/stacks.js';

const { app, primary, replicas } = synthesize();
const template = Template.fromStack(primary);
const arns = new TemplateArns(template, ACCOUNT, PRIMARY);
const SOURCE = `arn:aws:s3:::${PRIMARY_BUCKET}`;
const DESTINATION = `arn:aws:s3:::${REPLICA_BUCKET}`;

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The replication configuration of the stack's buckets: the primary's, the only one that may have one. */
function replicationOf(t: Template): { Role: unknown; Rules: unknown[] } | undefined {
  const resources = (t.toJSON() as { Resources: Resources }).Resources;
  const buckets = Object.values(resources).filter((r) => r.Type === 'AWS::S3::Bucket');
  assert.ok(buckets.length >= 2, 'the catalogue bucket and its log bucket');
  const bucket = buckets.find((r) => r.Properties.ReplicationConfiguration !== undefined);
  return bucket?.Properties.ReplicationConfiguration as { Role: unknown; Rules: unknown[] } | undefined;
}

const rule = (region: string, priority: number) => ({
  Id: `catalogue-to-${region}`,
  Priority: priority,
  Status: 'Enabled',
  Filter: { Prefix: 'catalogue/' },
  DeleteMarkerReplication: { Status: 'Enabled' },
  SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
  Destination: {
    Bucket: `arn:aws:s3:::cinedex-catalogue-${ACCOUNT}-${region}`,
    EncryptionConfiguration: { ReplicaKmsKeyID: `arn:aws:kms:${region}:${ACCOUNT}:alias/cinedex-catalogue` },
  },
});

test("the catalogue prefix, and only it, replicates to each extra region under that region's key, deletions included", () => {
  const replication = replicationOf(template);
  assert.ok(replication);
  assert.equal(arns.resolve(replication.Role), `arn:aws:iam::${ACCOUNT}:role/cinedex-replication`);
  assert.deepEqual(replication.Rules, [rule(REPLICA, 0)]);
});

test('the replication role: read versions under catalogue/, write the replicas, decrypt here and encrypt there through S3', () => {
  const key = arns.arnOfOnly('AWS::KMS::Key');
  assert.deepEqual(arns.roleStatements('cinedex-replication'), [
    {
      Sid: 'ReadReplicationConfiguration',
      Effect: 'Allow',
      Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      Resource: [SOURCE],
    },
    {
      Sid: 'ReadCatalogueVersions',
      Effect: 'Allow',
      Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
      Resource: [`${SOURCE}/catalogue/*`],
    },
    {
      Sid: 'DecryptSourceThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [key],
      Condition: { StringEquals: { 'kms:ViaService': `s3.${PRIMARY}.amazonaws.com` } },
    },
    {
      Sid: 'WriteReplicas',
      Effect: 'Allow',
      Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      Resource: [`${DESTINATION}/catalogue/*`],
    },
    {
      Sid: 'EncryptReplicaThroughS3useast1',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: [`arn:aws:kms:${REPLICA}:${ACCOUNT}:key/*`],
      Condition: {
        StringEquals: { 'kms:ViaService': `s3.${REPLICA}.amazonaws.com` },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/cinedex-catalogue' },
      },
    },
  ]);
  assert.deepEqual(arns.trustOf('cinedex-replication'), [
    {
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: ['sts:AssumeRole'],
      Resource: [],
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    },
  ]);
});

test('replication never reads the inbox nor writes anything in the primary bucket', () => {
  const statements = arns.roleStatements('cinedex-replication');
  assert.ok(allows(statements, 's3:GetObjectVersionForReplication', `${SOURCE}/catalogue/current.json`));
  assert.ok(!allows(statements, 's3:GetObjectVersionForReplication', `${SOURCE}/inbox/boxoffice/a.json`));
  for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:ReplicateObject', 's3:ReplicateDelete']) {
    assert.ok(!allows(statements, action, `${SOURCE}/catalogue/current.json`), action);
    assert.ok(!allows(statements, action, `${DESTINATION}/inbox/x`), `${action} outside catalogue/ of the replica`);
  }
});

test("a replica region: its stack holds the bucket and, given its cluster's OIDC provider, the API pods' role there", () => {
  assert.equal(replicas.length, 1);
  const replica = Template.fromStack(replicas[0]!);
  const replicaArns = new TemplateArns(replica, ACCOUNT, REPLICA);
  assert.deepEqual(replicaArns.roleNames(), [`cinedex-serving-${REPLICA}`]);
  assert.deepEqual(replicaArns.roleStatements(`cinedex-serving-${REPLICA}`), [
    { Sid: 'ReadCatalogue', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${DESTINATION}/catalogue/*`] },
    {
      Sid: 'UseKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [replicaArns.arnOfOnly('AWS::KMS::Key')],
      Condition: { StringEquals: { 'kms:ViaService': `s3.${REPLICA}.amazonaws.com` } },
    },
  ]);
  const oidc = (CDK_CONTEXT.replicas as { oidcProviderArn: string }[])[0]!.oidcProviderArn;
  assert.equal((replicaArns.trustOf(`cinedex-serving-${REPLICA}`)[0]?.Principal as { Federated: string }).Federated, oidc);
  replica.resourceCountIs('AWS::SQS::Queue', 0);
});

test('the primary stack deploys after the replicas: S3 refuses a rule whose destination does not exist', () => {
  const manifest = app.synth().getStackArtifact(primary.artifactId);
  // What `cdk deploy --all` orders by; besides the stacks, a stack depends on its own assets.
  const stacks = manifest.dependencies.map((d) => d.id).filter((id) => !id.endsWith('.assets'));
  assert.deepEqual(stacks, [replicas[0]!.artifactId]);
});

test('replicas are settings: none, or several, each with a rule; without an OIDC provider a replica has no role', () => {
  const none = synthesize({ replicas: [] });
  assert.equal(none.replicas.length, 0);
  assert.equal(replicationOf(Template.fromStack(none.primary)), undefined);
  assert.ok(!new TemplateArns(Template.fromStack(none.primary), ACCOUNT, PRIMARY).roleNames().includes('cinedex-replication'));

  const two = synthesize({ replicas: JSON.stringify([{ region: 'us-east-1' }, { region: 'ap-southeast-2' }]) });
  assert.deepEqual(replicationOf(Template.fromStack(two.primary))?.Rules, [rule('us-east-1', 0), rule('ap-southeast-2', 1)]);
  for (const stack of two.replicas) Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 0);
});

test('without an account in the context, every name and ARN takes the deploying account (AWS::AccountId)', () => {
  const { primary: anyAccount } = synthesize({ account: undefined });
  const destination = (replicationOf(Template.fromStack(anyAccount)) as { Rules: { Destination: unknown }[] }).Rules[0]?.Destination;
  const accountId = { Ref: 'AWS::AccountId' };
  assert.deepEqual(destination, {
    Bucket: { 'Fn::Join': ['', ['arn:aws:s3:::cinedex-catalogue-', accountId, `-${REPLICA}`]] },
    EncryptionConfiguration: { ReplicaKmsKeyID: { 'Fn::Join': ['', [`arn:aws:kms:${REPLICA}:`, accountId, ':alias/cinedex-catalogue']] } },
  });
});
