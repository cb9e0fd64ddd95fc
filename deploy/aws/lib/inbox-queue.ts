import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INBOX_PREFIX, bucketArn } from './names.js';

export interface InboxQueueProps {
  readonly name: string;
  /** The bucket that notifies; its ARN is rebuilt from this name, not read from the bucket (see `notify`). */
  readonly bucketName: string;
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
}

/** SQS's longest retention: a consumer that is down for days still finds every notification. */
const RETENTION = Duration.days(14);

/**
 * The queue `cinedex ingest --watch` long-polls (MOVIES_INBOX_QUEUE): every object created under
 * `inbox/` is a message. A message received `maxReceiveCount` times without being deleted (its
 * object keeps failing) moves to the dead-letter queue instead of blocking the rest.
 */
export class InboxQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: InboxQueueProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      queueName: `${props.name}-inbox-dead-letters`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RETENTION,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: `${props.name}-inbox`,
      // SSE-SQS rather than a KMS key: S3 can send to it without a key policy naming S3, and the
      // consumer needs no kms:Decrypt.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      visibilityTimeout: Duration.seconds(props.visibilityTimeoutSeconds),
      receiveMessageWaitTime: Duration.seconds(20),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: props.maxReceiveCount },
    });
    const stack = Stack.of(this);
    this.queue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'InboxNotificationsFromTheBucket',
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': bucketArn(this, props.bucketName) },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    new CfnOutput(stack, 'InboxQueueUrl', { description: 'MOVIES_INBOX_QUEUE', value: this.queue.queueUrl });
    new CfnOutput(stack, 'InboxDeadLetterQueueUrl', {
      description: 'Notifications that failed maxReceiveCount times',
      value: this.deadLetters.queueUrl,
    });
  }

  /**
   * Every `s3:ObjectCreated:*` under `inbox/` becomes a message. Declared on the bucket itself rather
   * than through CDK's notification custom resource (a Lambda function): S3 checks it can send by
   * sending a test event when the configuration is created, so the bucket waits for the queue policy,
   * and that policy names the bucket by its ARN built from its name, which keeps the two from
   * depending on each other.
   */
  notify(bucket: CfnBucket): void {
    bucket.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: this.queue.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: INBOX_PREFIX }] } },
        },
      ],
    };
    bucket.node.addDependency(this.queue.node.findChild('Policy'));
  }
}
