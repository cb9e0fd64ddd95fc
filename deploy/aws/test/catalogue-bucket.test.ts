import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TemplateArns, type Statement } from './support/iam.js';
import { ACCOUNT, PRIMARY, PRIMARY_BUCKET, REPLICA, REPLICA_BUCKET, synthesize } from './support/stacks.js';

const { primary, replicas } = synthesize();
const regions = [
  { region: PRIMARY, bucketName: PRIMARY_BUCKET, template: Template.fromStack(primary) },
  { region: REPLICA, bucketName: REPLICA_BUCKET, template: Template.fromStack(replicas[0]!) },
];

/** Public access blocked four ways, and ACLs off (the bucket owner owns every object). */
const PRIVATE_WITHOUT_ACLS = {
  PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
  OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
};

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }>;

function resourcesOf(template: Template): Resources {
  return (template.toJSON() as { Resources: Resources }).Resources;
}

function bucketPolicy(template: Template, arns: TemplateArns, bucketName: string): Statement[] {
  const resources = resourcesOf(template);
  const bucketId = Object.keys(resources).find((id) => resources[id]?.Properties.BucketName === bucketName);
  const policy = Object.values(resources).find(
    (r) => r.Type === 'AWS::S3::BucketPolicy' && (r.Properties.Bucket as { Ref: string }).Ref === bucketId,
  );
  assert.ok(policy, `a bucket policy on ${bucketName}`);
  return (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement.map((s) => arns.statement(s));
}

function tlsOnly(bucket: string): Statement[] {
  const both = [bucket, `${bucket}/*`];
  return [
    { Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:*'], Resource: both, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    { Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:*'], Resource: both, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
  ];
}

for (const { region, bucketName, template } of regions) {
  const arns = new TemplateArns(template, ACCOUNT, region);
  const key = arns.arnOfOnly('AWS::KMS::Key');
  const bucket = `arn:aws:s3:::${bucketName}`;
  const logBucketName = `cinedex-access-logs-${ACCOUNT}-${region}`;

  test(`${region}: the catalogue bucket is versioned, encrypted with this region's key, private, ACL-free and logged`, () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketName: bucketName,
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } },
          ],
        },
        ...PRIVATE_WITHOUT_ACLS,
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'cinedex-catalogue/' },
      }),
    });
    const properties = Object.values(resourcesOf(template)).find((r) => r.Properties.BucketName === bucketName)?.Properties ?? {};
    const encryption = properties.BucketEncryption as {
      ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { KMSMasterKeyID: unknown } }[];
    };
    assert.equal(arns.resolve(encryption.ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault.KMSMasterKeyID), key);
    assert.equal(
      arns.resolve((properties.LoggingConfiguration as { DestinationBucketName: unknown }).DestinationBucketName),
      logBucketName,
    );
  });

  test(`${region}: the bucket's key is customer-managed, rotated, kept, and aliased alias/cinedex-catalogue`, () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/cinedex-catalogue' });
  });

  test(`${region}: the bucket policy refuses plain HTTP, TLS below 1.2, and writes that ask for another encryption or key`, () => {
    assert.deepEqual(bucketPolicy(template, arns, bucketName), [
      ...tlsOnly(bucket),
      {
        Sid: 'DenyOtherEncryption',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:PutObject'],
        Resource: [`${bucket}/*`],
        Condition: {
          Null: { 's3:x-amz-server-side-encryption': 'false' },
          StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
        },
      },
      {
        Sid: 'DenyOtherKmsKey',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:PutObject'],
        Resource: [`${bucket}/*`],
        Condition: {
          StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': key },
        },
      },
    ]);
  });

  test(`${region}: access logs go to a private, TLS-only bucket only S3 logging may write, and expire`, () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketName: logBucketName,
        // S3 delivers access logs only to buckets with S3-managed encryption.
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        ...PRIVATE_WITHOUT_ACLS,
        LifecycleConfiguration: { Rules: [{ Id: 'expire-access-logs', ExpirationInDays: 365, Status: 'Enabled' }] },
      }),
    });
    const logs = `arn:aws:s3:::${logBucketName}`;
    assert.deepEqual(bucketPolicy(template, arns, logBucketName), [
      ...tlsOnly(logs),
      {
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: ['s3:PutObject'],
        Resource: [`${logs}/cinedex-catalogue/*`],
        Condition: { ArnLike: { 'aws:SourceArn': bucket }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      },
    ]);
  });
}

function lifecycleOf(template: Template, bucketName: string): unknown {
  const bucket = Object.values(resourcesOf(template)).find((r) => r.Properties.BucketName === bucketName);
  return (bucket?.Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules;
}

test('lifecycle: inbox files expire after inboxExpirationDays, old versions after noncurrentVersionExpirationDays (primary)', () => {
  const noncurrent = (days: number) => ({
    Id: 'expire-noncurrent-versions',
    Status: 'Enabled',
    NoncurrentVersionExpiration: { NoncurrentDays: days },
    ExpiredObjectDeleteMarker: true,
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
  });
  assert.deepEqual(lifecycleOf(regions[0]!.template, PRIMARY_BUCKET), [
    noncurrent(30),
    { Id: 'expire-inbox', Status: 'Enabled', Prefix: 'inbox/', ExpirationInDays: 90 },
  ]);
  // A replica holds no inbox.
  assert.deepEqual(lifecycleOf(regions[1]!.template, REPLICA_BUCKET), [noncurrent(30)]);
  // `cdk synth -c inboxExpirationDays=7` passes strings.
  const changed = synthesize({ inboxExpirationDays: '7', noncurrentVersionExpirationDays: '3' });
  assert.deepEqual(lifecycleOf(Template.fromStack(changed.primary), PRIMARY_BUCKET), [
    noncurrent(3),
    { Id: 'expire-inbox', Status: 'Enabled', Prefix: 'inbox/', ExpirationInDays: 7 },
  ]);
});

test('the stack outputs what the overlays need: MOVIES_STORE, MOVIES_INBOX, the bucket and its key', () => {
  const outputs = regions[0]!.template.toJSON().Outputs as Record<string, { Value: unknown }>;
  const arns = new TemplateArns(regions[0]!.template, ACCOUNT, PRIMARY);
  const value = (name: string) => arns.resolve(outputs[name]?.Value);
  assert.equal(value('BucketName'), PRIMARY_BUCKET);
  assert.equal(value('MoviesStore'), `s3://${PRIMARY_BUCKET}/catalogue`);
  assert.equal(value('MoviesInbox'), `s3://${PRIMARY_BUCKET}/inbox`);
  assert.equal(value('KeyArn'), arns.arnOfOnly('AWS::KMS::Key'));
  const replicaOutputs = regions[1]!.template.toJSON().Outputs as Record<string, { Value: unknown }>;
  assert.equal(
    new TemplateArns(regions[1]!.template, ACCOUNT, REPLICA).resolve(replicaOutputs.MoviesStore?.Value),
    `s3://${REPLICA_BUCKET}/catalogue`,
  );
  assert.equal(replicaOutputs.MoviesInbox, undefined);
});
