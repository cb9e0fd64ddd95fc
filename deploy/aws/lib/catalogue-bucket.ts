import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CATALOGUE_PREFIX, accessLogBucketName, catalogueBucketName, catalogueKeyAlias } from './names.js';

export interface CatalogueBucketProps {
  readonly name: string;
  readonly noncurrentVersionExpirationDays: number;
  readonly accessLogExpirationDays: number;
  /** Rules for this bucket alone (the primary's inbox expiry). */
  readonly lifecycleRules?: readonly LifecycleRule[];
}

/**
 * A region's copy of the catalogue: versioned, encrypted with its own customer-managed key (rotated
 * yearly), reachable only over TLS 1.2+, never public, ACLs off, every request logged to a log
 * bucket beside it. Old versions expire, so garbage-collected segments do not accumulate forever.
 */
export class CatalogueBucket extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;
  readonly logs: Bucket;

  constructor(scope: Construct, id: string, props: CatalogueBucketProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.key = new Key(this, 'Key', {
      alias: catalogueKeyAlias(props.name),
      description: `${props.name}: the catalogue bucket's objects in ${region}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logs = new Bucket(this, 'AccessLogs', {
      bucketName: accessLogBucketName(this, props.name, region),
      // S3 server access logging can only deliver to a bucket encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.accessLogExpirationDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: catalogueBucketName(this, props.name, region),
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket instead of one KMS call per object: pods read the pointer every few seconds.
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: `${props.name}-catalogue/`,
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        ...(props.lifecycleRules ?? []),
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.denyOtherEncryption();
    const stack = Stack.of(this);
    new CfnOutput(stack, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(stack, 'MoviesStore', {
      description: 'MOVIES_STORE',
      value: `s3://${this.bucket.bucketName}/${CATALOGUE_PREFIX.slice(0, -1)}`,
    });
    new CfnOutput(stack, 'KeyArn', { description: 'MOVIES_S3_KMS_KEY_ID, when MOVIES_S3_SSE=aws:kms', value: this.key.keyArn });
  }

  /**
   * Default encryption applies the bucket's key only to writes that ask for none. A write that asks
   * for another one (AES256, or aws:kms without a key id, which means the account's aws/s3 key) would
   * escape this key, its rotation and its policy: refuse it.
   */
  private denyOtherEncryption(): void {
    const objects = this.bucket.arnForObjects('*');
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyOtherEncryption',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [objects],
        conditions: {
          Null: { 's3:x-amz-server-side-encryption': 'false' },
          StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
        },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyOtherKmsKey',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [objects],
        conditions: {
          StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': this.key.keyArn },
        },
      }),
    );
  }
}
