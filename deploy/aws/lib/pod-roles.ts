import { CfnOutput, Stack } from 'aws-cdk-lib';
import { FederatedPrincipal, PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CATALOGUE_PREFIX, INBOX_PREFIX, s3Service } from './names.js';
import { acknowledgeObjectWildcard } from './nag.js';
import { issuerOf } from './settings.js';

/** A Kubernetes ServiceAccount that assumes an IAM role through the cluster's OIDC provider (EKS IRSA). */
export interface ServiceAccountRef {
  readonly oidcProviderArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** Only pods running as that ServiceAccount, with a token minted for STS, may assume the role. */
export function serviceAccountPrincipal(ref: ServiceAccountRef): FederatedPrincipal {
  const issuer = issuerOf(ref.oidcProviderArn);
  return new FederatedPrincipal(
    ref.oidcProviderArn,
    {
      StringEquals: {
        [`${issuer}:sub`]: `system:serviceaccount:${ref.namespace}:${ref.serviceAccount}`,
        [`${issuer}:aud`]: 'sts.amazonaws.com',
      },
    },
    'sts:AssumeRoleWithWebIdentity',
  );
}

function decryptThroughS3(key: IKey, region: string, actions: string[]): PolicyStatement {
  return new PolicyStatement({
    sid: 'UseKeyThroughS3',
    actions,
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': s3Service(region) } },
  });
}

export interface ServingRoleProps {
  readonly name: string;
  readonly bucket: IBucket;
  readonly key: IKey;
  readonly serviceAccount: ServiceAccountRef;
}

/**
 * The API pods read the pointer and the segments it names, and nothing else: they cannot write,
 * list, or see the inbox. One per region, for the cluster reading that region's bucket.
 */
export class ServingRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ServingRoleProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.role = new Role(this, 'Role', {
      roleName: `${props.name}-serving-${region}`,
      description: `cinedex API pods in ${region}: read the catalogue`,
      assumedBy: serviceAccountPrincipal(props.serviceAccount),
      inlinePolicies: {
        'read-catalogue': new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'ReadCatalogue',
              actions: ['s3:GetObject'],
              resources: [props.bucket.arnForObjects(`${CATALOGUE_PREFIX}*`)],
            }),
            decryptThroughS3(props.key, region, ['kms:Decrypt']),
          ],
        }),
      },
    });
    acknowledgeObjectWildcard(
      this.role,
      props.bucket,
      CATALOGUE_PREFIX,
      'cinedex names its segment, state and audit objects by content hash.',
    );
    new CfnOutput(Stack.of(this), 'ServingRoleArn', {
      description: `eks.amazonaws.com/role-arn of the ServiceAccount ${props.serviceAccount.serviceAccount}`,
      value: this.role.roleArn,
    });
  }
}

export interface IngestionRoleProps {
  readonly name: string;
  readonly bucket: IBucket;
  readonly key: IKey;
  readonly queue: IQueue;
  readonly serviceAccount: ServiceAccountRef;
}

/**
 * Ingestion (the CronJob, the seed Job, the queue consumer): reads providers' files, rewrites the
 * catalogue and collects its garbage, consumes the inbox notifications. It never deletes or
 * overwrites an inbox file: those expire by lifecycle only.
 */
export class IngestionRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: IngestionRoleProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const { bucket } = props;
    this.role = new Role(this, 'Role', {
      roleName: `${props.name}-ingestion`,
      description: 'cinedex ingestion: read the inbox, rewrite the catalogue, consume the inbox queue',
      assumedBy: serviceAccountPrincipal(props.serviceAccount),
      inlinePolicies: {
        ingest: new PolicyDocument({
          statements: [
            new PolicyStatement({ sid: 'ReadInbox', actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${INBOX_PREFIX}*`)] }),
            new PolicyStatement({
              sid: 'ReadWriteCatalogue',
              // Abort: a segment is a multipart upload (snapshot/segment-codec.ts); a failed one removes its parts at once.
              actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
              resources: [bucket.arnForObjects(`${CATALOGUE_PREFIX}*`)],
            }),
            // Listing is granted on the bucket; the condition keeps it to the two prefixes cinedex lists.
            new PolicyStatement({
              sid: 'ListInboxAndCatalogue',
              actions: ['s3:ListBucket'],
              resources: [bucket.bucketArn],
              conditions: { StringLike: { 's3:prefix': [`${INBOX_PREFIX}*`, `${CATALOGUE_PREFIX}*`] } },
            }),
            new PolicyStatement({
              sid: 'ConsumeInboxQueue',
              actions: [
                'sqs:ReceiveMessage',
                'sqs:DeleteMessage',
                'sqs:ChangeMessageVisibility',
                'sqs:GetQueueAttributes',
                'sqs:GetQueueUrl',
              ],
              resources: [props.queue.queueArn],
            }),
            decryptThroughS3(props.key, region, ['kms:Decrypt', 'kms:GenerateDataKey']),
          ],
        }),
      },
    });
    acknowledgeObjectWildcard(this.role, bucket, INBOX_PREFIX, "Providers choose their files' keys; ingestion reads whatever they put.");
    acknowledgeObjectWildcard(this.role, bucket, CATALOGUE_PREFIX, 'cinedex names its segment, state and audit objects by content hash.');
    new CfnOutput(Stack.of(this), 'IngestionRoleArn', {
      description: `eks.amazonaws.com/role-arn of the ServiceAccount ${props.serviceAccount.serviceAccount}`,
      value: this.role.roleArn,
    });
  }
}
