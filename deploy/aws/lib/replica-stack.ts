import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CatalogueBucket } from './catalogue-bucket.js';
import { ServingRole } from './pod-roles.js';
import type { ReplicaSettings, Settings } from './settings.js';

/**
 * An extra region: the bucket `catalogue/` is replicated into, under that region's own key, and the
 * role of the API pods of the cluster there. Nothing writes to it but replication.
 */
export class ReplicaStack extends Stack {
  readonly store: CatalogueBucket;

  constructor(scope: Construct, id: string, settings: Settings, replica: ReplicaSettings, props: StackProps = {}) {
    super(scope, id, {
      ...props,
      stackName: `${settings.name}-catalogue-replica`,
      description: `${settings.name}: the replica of the catalogue in ${replica.region}`,
      env: { account: settings.account, region: replica.region },
    });
    const { name } = settings;
    this.store = new CatalogueBucket(this, 'Catalogue', {
      name,
      noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
      accessLogExpirationDays: settings.accessLogExpirationDays,
    });
    if (replica.oidcProviderArn) {
      new ServingRole(this, 'Serving', {
        name,
        bucket: this.store.bucket,
        key: this.store.key,
        serviceAccount: {
          oidcProviderArn: replica.oidcProviderArn,
          namespace: settings.namespace,
          serviceAccount: settings.servingServiceAccount,
        },
      });
    }
  }
}
