import { Stack, Validations, type App } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
// cdk-nag's own spelling of a resource in a finding's id, so an acknowledgement names exactly the finding it answers.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** AWS Solutions checks on every stack: synthesis fails on any finding not acknowledged with a reason. */
export function checkAwsSolutions(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** Accepts AwsSolutions-IAM5 (a wildcard in a policy) for one resource pattern of one construct, with the reason. */
export function acknowledgeWildcard(scope: IConstruct, resource: string, reason: string): void {
  const finding = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${finding}]`, reason });
}

export function acknowledgeObjectWildcard(scope: IConstruct, bucket: IBucket, prefix: string, reason: string): void {
  acknowledgeWildcard(scope, bucket.arnForObjects(`${prefix}*`), reason);
}
