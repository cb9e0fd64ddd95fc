import { EVERY_COMMAND, INGESTING, type ConfigSetting } from './config-shape.js';

/** Where the S3 (or S3-compatible) store and the SQS queue are, and how snapshot writes are encrypted. */
export const S3_SETTINGS: readonly ConfigSetting[] = [
  {
    key: 's3Endpoint',
    commands: EVERY_COMMAND,
    env: 'AWS_ENDPOINT_URL',
    flag: '--s3-endpoint',
    kind: 'string',
    defaultText: 'AWS',
    description: 'S3-compatible endpoint (MinIO, …); path-style addressing is then used',
  },
  {
    key: 's3Region',
    commands: EVERY_COMMAND,
    env: 'AWS_REGION',
    flag: '--s3-region',
    kind: 'string',
    defaultText: 'SDK default chain',
    description: 'S3 region',
  },
  {
    key: 'sqsEndpoint',
    commands: INGESTING,
    env: 'AWS_ENDPOINT_URL_SQS',
    flag: '--sqs-endpoint',
    kind: 'string',
    default: (c) => c.s3Endpoint,
    defaultText: 'AWS_ENDPOINT_URL, else AWS',
    description: 'SQS-compatible endpoint for MOVIES_INBOX_QUEUE (moto, LocalStack…)',
  },
  {
    key: 's3Sse',
    commands: EVERY_COMMAND,
    env: 'MOVIES_S3_SSE',
    flag: '--s3-sse',
    kind: 'string',
    choices: ['AES256', 'aws:kms'],
    defaultText: 'none',
    description: 'server-side encryption for snapshot writes',
  },
  {
    key: 's3KmsKeyId',
    commands: EVERY_COMMAND,
    env: 'MOVIES_S3_KMS_KEY_ID',
    flag: '--s3-kms-key-id',
    kind: 'string',
    defaultText: 'bucket default',
    description: 'KMS key for aws:kms',
  },
];
