import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { CatalogueBucket } from './catalogue-bucket.js';
import { InboxQueue } from './inbox-queue.js';
import { INBOX_PREFIX, catalogueBucketName } from './names.js';
import { IngestionRole, ServingRole } from './pod-roles.js';
import { ProviderRole } from './provider-role.js';
import { CatalogueReplication } from './replication.js';
import type { Settings } from './settings.js';

/**
 * The primary region: the bucket holding `catalogue/` and providers' `inbox/`, the inbox queue its
 * notifications feed, a role per provider, the pods' roles, and replication to the other regions.
 */
export class CatalogueStack extends Stack {
  readonly store: CatalogueBucket;
  readonly inbox: InboxQueue;

  constructor(scope: Construct, id: string, settings: Settings, props: StackProps = {}) {
    super(scope, id, {
      ...props,
      stackName: `${settings.name}-catalogue`,
      description: `${settings.name}: the catalogue bucket, the providers' inbox and its queue, the pods' roles`,
      env: { account: settings.account, region: settings.region },
    });
    const { name } = settings;
    this.store = new CatalogueBucket(this, 'Catalogue', {
      name,
      noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
      accessLogExpirationDays: settings.accessLogExpirationDays,
      lifecycleRules: [{ id: 'expire-inbox', prefix: INBOX_PREFIX, expiration: Duration.days(settings.inboxExpirationDays) }],
    });
    const { bucket, key } = this.store;
    new CfnOutput(this, 'MoviesInbox', { description: 'MOVIES_INBOX', value: `s3://${bucket.bucketName}/${INBOX_PREFIX.slice(0, -1)}` });

    this.inbox = new InboxQueue(this, 'Inbox', {
      name,
      bucketName: catalogueBucketName(this, name, settings.region),
      maxReceiveCount: settings.maxReceiveCount,
      visibilityTimeoutSeconds: settings.queueVisibilityTimeoutSeconds,
    });
    this.inbox.notify(bucket.node.defaultChild as CfnBucket);

    for (const provider of settings.providers) new ProviderRole(this, `Provider-${provider.name}`, { name, provider, bucket, key });

    const pods = { oidcProviderArn: settings.oidcProviderArn, namespace: settings.namespace };
    new ServingRole(this, 'Serving', { name, bucket, key, serviceAccount: { ...pods, serviceAccount: settings.servingServiceAccount } });
    new IngestionRole(this, 'Ingestion', {
      name,
      bucket,
      key,
      queue: this.inbox.queue,
      serviceAccount: { ...pods, serviceAccount: settings.ingestionServiceAccount },
    });

    const regions = settings.replicas.map((r) => r.region);
    if (regions.length > 0) new CatalogueReplication(this, 'Replication', { name, bucket, key, regions });
  }
}
