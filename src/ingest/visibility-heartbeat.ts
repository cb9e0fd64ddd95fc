import type { Logger } from 'pino';
import type { InboxQueue, QueueMessage } from './inbox-queue.js';

/** What a heartbeat reports, for the consumer's metrics. */
export type HeartbeatOutcome = 'extended' | 'failed';

/**
 * Keeps the messages of a batch invisible while the consumer holds them. A run can take longer than
 * the queue's visibility timeout (it waits behind a reconciliation listing, or a large object
 * converts slowly): without this its messages would come back mid-run, be received again once the
 * run ends, and each such return counts towards maxReceiveCount, so a message that only ever waited
 * could end in the dead-letter queue. Every half timeout, the messages are hidden for a whole
 * timeout more. An extension that fails is logged and nothing else: the message comes back, is
 * found applied, and is deleted then (at least once). SQS caps a message's invisibility at 12 hours
 * from its receive; no run comes near it.
 */
export class VisibilityHeartbeat {
  private readonly timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly queue: InboxQueue,
    private readonly messages: readonly QueueMessage[],
    private readonly timeoutSeconds: number,
    private readonly log: Logger,
    private readonly report?: (outcome: HeartbeatOutcome, messages: number) => void,
  ) {
    // A queue without a visibility timeout hands each message out again at once: nothing to extend.
    if (timeoutSeconds > 0 && messages.length > 0) this.timer = setInterval(() => this.beat(), (timeoutSeconds * 1000) / 2);
  }

  /** No extension after this one; resolves once any extension in flight has answered, so that a delete or a retry comes after it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  private beat(): void {
    // One extension at a time: a slow answer must not let two race and leave the shorter one in force.
    this.beating = this.beating.then(async () => {
      const failed = await this.queue.extendVisibility(this.messages, this.timeoutSeconds);
      const extended = this.messages.length - failed.length;
      this.report?.('extended', extended);
      if (failed.length > 0) {
        this.report?.('failed', failed.length);
        this.log.warn(
          { messages: failed.length, ids: failed.slice(0, 10).map((m) => m.id) },
          'could not extend the visibility of inbox notifications still held; they may come back and are found applied then',
        );
      } else {
        this.log.debug({ messages: extended, seconds: this.timeoutSeconds }, 'inbox notifications kept invisible while the run lasts');
      }
    });
  }
}
