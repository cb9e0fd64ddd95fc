import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** cinedex's store (`MOVIES_STORE`): the pointer, segments, state and audit objects. Serving reads it; ingestion rewrites it. */
export const CATALOGUE_PREFIX = 'catalogue/';
/** Providers' files (`MOVIES_INBOX`), `inbox/<provider>/*.json`; cinedex only reads them. */
export const INBOX_PREFIX = 'inbox/';

/**
 * Names fixed by the settings alone, so a stack can name a resource of a stack in another region
 * without a cross-region reference (CloudFormation exports do not cross regions): the primary bucket
 * replicates to a replica bucket and key it only knows by these names.
 */
export function catalogueBucketName(scope: Construct, name: string, region: string): string {
  return `${name}-catalogue-${Stack.of(scope).account}-${region}`;
}

export function accessLogBucketName(scope: Construct, name: string, region: string): string {
  return `${name}-access-logs-${Stack.of(scope).account}-${region}`;
}

/** Every region's catalogue key carries the same alias (aliases are regional). */
export function catalogueKeyAlias(name: string): string {
  return `alias/${name}-catalogue`;
}

export function bucketArn(scope: Construct, bucketName: string): string {
  return `arn:${Stack.of(scope).partition}:s3:::${bucketName}`;
}

export function keyAliasArn(scope: Construct, region: string, alias: string): string {
  return `arn:${Stack.of(scope).partition}:kms:${region}:${Stack.of(scope).account}:${alias}`;
}

/** Any key of the account in a region: narrowed by a condition on its alias where the key's id is not known here. */
export function anyKeyArn(scope: Construct, region: string): string {
  return `arn:${Stack.of(scope).partition}:kms:${region}:${Stack.of(scope).account}:key/*`;
}

/** The S3 endpoint a KMS request comes through (`kms:ViaService`): the key is usable only by S3 on the caller's behalf. */
export function s3Service(region: string): string {
  return `s3.${region}.amazonaws.com`;
}
