import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { QueueError } from '../errors/errors.js';

/** One message received from the inbox queue. */
export interface QueueMessage {
  readonly id: string;
  /** What deletes the message or changes its visibility; valid for this receive only. */
  readonly receiptHandle: string;
  readonly body: string;
  /** How many times it was received, this time included: the redrive policy dead-letters it past the queue's maximum. */
  readonly receiveCount: number;
  readonly sentAt: Date;
}

/** The inbox queue as the consumer uses it; SqsInboxQueue is the real one. */
export interface InboxQueue {
  readonly url: string;
  /** Up to 10 messages, waiting up to `waitSeconds` for the first (long polling; 0 answers at once). */
  receive(waitSeconds: number, signal?: AbortSignal): Promise<QueueMessage[]>;
  /** Deletes the messages; answers those that could not be (they come back and are found done then). */
  delete(messages: readonly QueueMessage[]): Promise<QueueMessage[]>;
  /** Makes the message visible again after `seconds`, for its next try. */
  retryLater(message: QueueMessage, seconds: number): Promise<void>;
  /** Keeps the messages invisible for `seconds` more from now; answers those whose visibility could not be changed. */
  extendVisibility(messages: readonly QueueMessage[], seconds: number): Promise<QueueMessage[]>;
  attributes(): Promise<QueueAttributes>;
}

/** What the consumer needs to know of the queue's configuration. */
export interface QueueAttributes {
  /** The redrive policy's maxReceiveCount, or undefined when the queue has none. */
  readonly maxReceiveCount?: number;
  /** How long a received message stays invisible unless it is deleted or its visibility extended. */
  readonly visibilityTimeoutSeconds: number;
}

export interface SqsSettings {
  /** An SQS-compatible endpoint (moto, LocalStack…); else AWS, by the queue URL's region. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly maxAttempts?: number;
}

/** SQS through the AWS SDK v3 with its default credential chain. */
export class SqsInboxQueue implements InboxQueue {
  private readonly client: SQSClient;

  constructor(
    readonly url: string,
    settings: SqsSettings = {},
  ) {
    this.client = new SQSClient({
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      region: settings.region ?? regionOf(url) ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      maxAttempts: settings.maxAttempts ?? 3,
      requestHandler: new NodeHttpHandler({
        // Above the 20 s long poll, so a wait is never cut as a stall.
        requestTimeout: 30_000,
        connectionTimeout: 5_000,
        throwOnRequestTimeout: true,
      }),
    });
  }

  async receive(waitSeconds: number, signal?: AbortSignal): Promise<QueueMessage[]> {
    const out = await this.call('receive from', () =>
      this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
        signal ? { abortSignal: signal } : {},
      ),
    );
    return (out.Messages ?? []).flatMap((m) =>
      m.MessageId && m.ReceiptHandle
        ? [
            {
              id: m.MessageId,
              receiptHandle: m.ReceiptHandle,
              body: m.Body ?? '',
              receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
              sentAt: new Date(Number(m.Attributes?.SentTimestamp ?? Date.now())),
            },
          ]
        : [],
    );
  }

  async delete(messages: readonly QueueMessage[]): Promise<QueueMessage[]> {
    return this.inBatches('delete from', messages, async (entries) => {
      const out = await this.client.send(new DeleteMessageBatchCommand({ QueueUrl: this.url, Entries: entries }));
      return out.Failed ?? [];
    });
  }

  async extendVisibility(messages: readonly QueueMessage[], seconds: number): Promise<QueueMessage[]> {
    return this.inBatches('extend a visibility in', messages, async (entries) => {
      const out = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.url,
          Entries: entries.map((e) => ({ ...e, VisibilityTimeout: Math.round(seconds) })),
        }),
      );
      return out.Failed ?? [];
    });
  }

  /** SQS's batch calls take 10 entries; answers the messages a call failed for, or that a call could not be made for. */
  private async inBatches(
    what: string,
    messages: readonly QueueMessage[],
    send: (entries: { Id: string; ReceiptHandle: string }[]) => Promise<readonly { Id?: string }[]>,
  ): Promise<QueueMessage[]> {
    const failed: QueueMessage[] = [];
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      const entries = batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle }));
      try {
        for (const f of await this.call(what, () => send(entries))) failed.push(batch[Number(f.Id)] as QueueMessage);
      } catch {
        failed.push(...batch);
      }
    }
    return failed;
  }

  async retryLater(message: QueueMessage, seconds: number): Promise<void> {
    await this.call('change a visibility in', () =>
      this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.url,
          ReceiptHandle: message.receiptHandle,
          VisibilityTimeout: Math.round(seconds),
        }),
      ),
    );
  }

  async attributes(): Promise<QueueAttributes> {
    const out = await this.call('read the attributes of', () =>
      this.client.send(new GetQueueAttributesCommand({ QueueUrl: this.url, AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'] })),
    );
    const policy = out.Attributes?.RedrivePolicy;
    const count = policy ? Number((JSON.parse(policy) as { maxReceiveCount?: unknown }).maxReceiveCount) : NaN;
    return {
      ...(Number.isInteger(count) && count > 0 ? { maxReceiveCount: count } : {}),
      // SQS's default, should the attribute be missing.
      visibilityTimeoutSeconds: Number(out.Attributes?.VisibilityTimeout ?? 30),
    };
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const e = error as Error & { $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
      throw new QueueError(`SQS: could not ${what} ${this.url}: ${e.name}: ${e.message}${status}`, { cause: error });
    }
  }
}

/** The region in an AWS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */
function regionOf(url: string): string | undefined {
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\//.exec(url)?.[1];
}
