import { CfnOutput, Stack } from 'aws-cdk-lib';
import { AccountPrincipal, PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INBOX_PREFIX, s3Service } from './names.js';
import { acknowledgeObjectWildcard } from './nag.js';
import type { ProviderSettings } from './settings.js';

export interface ProviderRoleProps {
  readonly name: string;
  readonly provider: ProviderSettings;
  readonly bucket: IBucket;
  readonly key: IKey;
}

/**
 * A provider's only access: put files under `inbox/<provider>/`. No read (not even its own files),
 * no listing, no other prefix, no delete: a leaked provider credential can add files ingestion will
 * validate, and nothing more.
 */
export class ProviderRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ProviderRoleProps) {
    super(scope, id);
    const { provider } = props;
    const stack = Stack.of(this);
    const prefix = `${INBOX_PREFIX}${provider.name}/`;
    this.role = new Role(this, 'Role', {
      roleName: `${props.name}-provider-${provider.name}`,
      description: `${provider.name} writes its files under s3://${props.bucket.bucketName}/${prefix}`,
      assumedBy: new AccountPrincipal(provider.account ?? stack.account).withConditions(
        provider.externalId ? { StringEquals: { 'sts:ExternalId': provider.externalId } } : {},
      ),
      inlinePolicies: {
        'write-inbox': new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'PutOwnInboxPrefix',
              actions: ['s3:PutObject'],
              resources: [props.bucket.arnForObjects(`${prefix}*`)],
            }),
            // Encrypt only: the bucket's default encryption needs a data key for each single-request upload.
            new PolicyStatement({
              sid: 'EncryptThroughS3',
              actions: ['kms:GenerateDataKey', 'kms:Encrypt'],
              resources: [props.key.keyArn],
              conditions: { StringEquals: { 'kms:ViaService': s3Service(stack.region) } },
            }),
          ],
        }),
      },
    });
    acknowledgeObjectWildcard(this.role, props.bucket, prefix, `The provider names its own files; the wildcard stops at ${prefix}.`);
    // Stable output names (ProviderRoleArnArchivePartner): operators hand them to the providers.
    const pascal = provider.name.replace(/(?:^|-)([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    new CfnOutput(stack, `ProviderRoleArn${pascal}`, {
      description: `The role provider ${provider.name} assumes to put files under ${prefix}`,
      value: this.role.roleArn,
    });
  }
}
