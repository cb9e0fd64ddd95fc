import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { StoredObject } from '../store/object-store.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { IngestOutcome } from './ingestion.js';
import type { InboxQueue, QueueAttributes, QueueMessage } from './inbox-queue.js';
import { inboxLocationOf, parseInboxNotification, type InboxLocation } from './s3-events.js';
import { VisibilityHeartbeat } from './visibility-heartbeat.js';
import { settlesWithin } from '../runtime/settles-within.js';

export interface QueueWatcherOptions {
  readonly queue: InboxQueue;
  readonly inbox: InboxLocation;
  /** One ingestion run of just these objects, never overlapping another (IngestScheduler.run). */
  readonly ingest: (objects: readonly StoredObject[]) => Promise<IngestOutcome>;
  readonly log: Logger;
  readonly metrics?: IngestMetrics;
  /** Long-poll wait of a receive (SQS allows up to 20 s). */
  readonly waitSeconds?: number;
  /** Most messages taken into one run. */
  readonly maxBatch?: number;
  /** Waits after the queue could not be reached: the first, doubled each time up to the last. */
  readonly unreachableBackoffMs?: { readonly first: number; readonly max: number };
  /** How long a failed message stays invisible before its next try, by its receive count so far. */
  readonly retryDelaySeconds?: (receiveCount: number) => number;
}

export interface QueueWatcherState {
  readonly messagesHandled: number;
  readonly messagesFailed: number;
  readonly lastError?: string;
}

interface FailedMessage {
  readonly message: QueueMessage;
  readonly reason: string;
  readonly objects?: readonly string[];
}

/** Retries spread out (10 s, 30 s, 90 s… up to 15 min), so a store outage of minutes does not use up every try. */
const defaultRetryDelay = (receiveCount: number) => Math.min(900, 10 * 3 ** Math.max(0, receiveCount - 1));
/** A conflict means another writer published first: the run is simply redone, at most this many times. */
const CONFLICT_RETRIES = 3;

/**
 * Consumes the inbox queue that the bucket's ObjectCreated notifications feed. Each receive takes
 * what has arrived (many notifications, one run), and the run reads just the notified objects. A
 * message is deleted only once the version applying its object is published, or when there is
 * nothing to apply (the object was applied already, it is outside the inbox, S3's test event), so
 * a crash anywhere loses nothing: the message comes back and finds its object applied. A message
 * whose object cannot be read is tried again later, and after the queue's maxReceiveCount tries
 * the redrive policy moves it to the dead-letter queue; the reason is logged each time. While a
 * batch is held, a VisibilityHeartbeat keeps it from coming back however long the run takes. The
 * periodic listing (IngestScheduler) still finds anything a notification missed.
 */
export class QueueWatcher {
  /** Set by stop: no receive starts after it, and a pause between tries ends. */
  private readonly stopping = new AbortController();
  /** Set once a stop's budget is spent: the receive in flight is cut short. */
  private readonly cut = new AbortController();
  private loop: Promise<void> | undefined;
  private attributes: QueueAttributes | undefined;
  /** The batch a run holds, from its receive until its messages are settled. */
  private holding: { readonly messages: readonly QueueMessage[]; readonly heartbeat: VisibilityHeartbeat } | undefined;
  private counts = { handled: 0, failed: 0 };
  private lastError: string | undefined;

  constructor(private readonly options: QueueWatcherOptions) {}

  get state(): QueueWatcherState {
    return {
      messagesHandled: this.counts.handled,
      messagesFailed: this.counts.failed,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  start(): void {
    this.loop ??= this.watch();
  }

  /**
   * Stops receiving. The receive in flight is let finish (a long poll ends within its wait): cut
   * short on our side, the queue would still hand the next message to it, and that message would
   * stay invisible to every consumer for the visibility timeout. What it brings is made visible
   * again at once, for the next consumer. A run in progress finishes and its messages are settled
   * first. With a budget, what is still going when it is spent is given up: the receive is cut (its
   * message, if any, comes back after the visibility timeout), and a run's messages are made visible
   * again at once (the run may still publish before the process exits: a publish is
   * compare-and-swap guarded, and the next consumer finds the objects applied). False then.
   */
  async stop(budgetMs?: number): Promise<boolean> {
    this.stopping.abort();
    const loop = this.loop ?? Promise.resolve();
    if (budgetMs === undefined || (await settlesWithin(loop, budgetMs))) {
      await loop;
      return true;
    }
    this.cut.abort();
    const held = this.holding;
    if (held) {
      await held.heartbeat.stop();
      const stuck = await this.options.queue.extendVisibility(held.messages, 0).catch(() => held.messages);
      this.options.log.warn(
        { messages: held.messages.length, stillHidden: stuck.length },
        'stopping: the run in progress is abandoned; its inbox notifications are visible again for the next consumer',
      );
    }
    return false;
  }

  private async watch(): Promise<void> {
    const { log, queue } = this.options;
    const backoff = this.options.unreachableBackoffMs ?? { first: 1000, max: 60_000 };
    let failures = 0;
    log.info({ queue: queue.url }, 'watching the inbox queue');
    while (!this.stopping.signal.aborted) {
      let messages: QueueMessage[];
      try {
        this.attributes ??= await queue.attributes();
        messages = await this.receiveBatch();
        failures = 0;
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        failures++;
        const delayMs = Math.min(backoff.max, backoff.first * 2 ** (failures - 1));
        this.lastError = (error as Error).message;
        log.warn({ err: error, failures, retryInMs: delayMs }, 'the inbox queue cannot be reached; trying again after a pause');
        await sleep(delayMs, undefined, { signal: this.stopping.signal }).catch(() => {});
        continue;
      }
      const now = Date.now();
      const oldestAgeMs = messages.reduce((oldest, m) => Math.max(oldest, now - m.sentAt.getTime()), 0);
      this.options.metrics?.oldestMessageAge(oldestAgeMs / 1000);
      if (messages.length === 0) continue;
      if (this.stopping.signal.aborted) {
        await this.release(messages);
        break;
      }
      log.info({ messages: messages.length, oldestAgeMs }, 'inbox notifications received');
      // Whatever goes wrong with a batch, its messages come back when their visibility ends: the consumer goes on.
      await this.handle(messages, this.attributes).catch((error: unknown) => log.error({ err: error }, 'inbox notifications not handled'));
    }
  }

  /** Messages received as the watcher stops, not to be handled by it: visible again at once, for the next consumer. */
  private async release(messages: readonly QueueMessage[]): Promise<void> {
    const { log, queue } = this.options;
    const hidden = await queue.extendVisibility(messages, 0).catch(() => messages);
    log.info(
      { messages: messages.length, stillHidden: hidden.length },
      'stopping: inbox notifications received meanwhile are visible again for the next consumer',
    );
  }

  /** The first receive waits for a message; then whatever else has arrived is taken without waiting. */
  private async receiveBatch(): Promise<QueueMessage[]> {
    const { queue } = this.options;
    const max = this.options.maxBatch ?? 500;
    // By id: a message whose visibility ran out while the batch was gathered comes again, and only its newest receipt deletes it.
    const messages = new Map<string, QueueMessage>();
    for (const m of await queue.receive(this.options.waitSeconds ?? 20, this.cut.signal)) messages.set(m.id, m);
    while (messages.size > 0 && messages.size < max && !this.stopping.signal.aborted) {
      const more = await queue.receive(0, this.cut.signal);
      if (more.length === 0) break;
      for (const m of more) messages.set(m.id, m);
    }
    return [...messages.values()];
  }

  private async handle(messages: readonly QueueMessage[], attributes: QueueAttributes): Promise<void> {
    const { log, queue, metrics } = this.options;
    const heartbeat = new VisibilityHeartbeat(queue, messages, attributes.visibilityTimeoutSeconds, log, (outcome, count) =>
      metrics?.visibilityExtensions(outcome, count),
    );
    this.holding = { messages, heartbeat };
    try {
      let settled: [done: QueueMessage[], failed: FailedMessage[]];
      try {
        settled = await this.apply(messages);
      } finally {
        await heartbeat.stop();
      }
      await this.finish(...settled, attributes.maxReceiveCount);
    } finally {
      this.holding = undefined;
    }
  }

  /** Which messages are done with (applied, or nothing to apply) and which failed, and why. */
  private async apply(messages: readonly QueueMessage[]): Promise<[done: QueueMessage[], failed: FailedMessage[]]> {
    const { log, inbox } = this.options;
    const done: QueueMessage[] = [];
    const failed: FailedMessage[] = [];
    const waiting: { message: QueueMessage; objects: readonly StoredObject[] }[] = [];
    const wanted = new Map<string, StoredObject>();
    for (const message of messages) {
      const notification = parseInboxNotification(message.body, inbox);
      if (notification.kind === 'invalid') {
        failed.push({ message, reason: notification.reason });
      } else if (notification.kind === 'test-event') {
        log.info({ messageId: message.id }, "S3's test event: the bucket's notifications reach the queue");
        done.push(message);
      } else {
        if (notification.ignored.length > 0)
          log.info({ messageId: message.id, ignored: notification.ignored }, 'notification records ignored');
        if (notification.objects.length === 0) done.push(message);
        else waiting.push({ message, objects: notification.objects });
        for (const object of notification.objects) wanted.set(identity(object), object);
      }
    }
    const settled = new Set<string>();
    const errors = new Map<string, string>();
    if (wanted.size > 0) await this.settle([...wanted.values()], settled, errors);
    for (const { message, objects } of waiting) {
      const pending = objects.filter((o) => !settled.has(identity(o)));
      if (pending.length === 0) done.push(message);
      else
        failed.push({
          message,
          objects: pending.map((o) => o.key),
          reason: errors.get(identity(pending[0] as StoredObject)) ?? 'the run did not apply it',
        });
    }
    return [done, failed];
  }

  /** Runs `objects`; when the run fails, splits them to find the ones it fails on and applies the rest. */
  private async settle(objects: readonly StoredObject[], settled: Set<string>, errors: Map<string, string>): Promise<void> {
    const error = await this.tryRun(objects, settled);
    if (error !== undefined) await this.isolate(objects, error, settled, errors);
  }

  private async isolate(objects: readonly StoredObject[], error: string, settled: Set<string>, errors: Map<string, string>): Promise<void> {
    if (objects.length === 1) {
      errors.set(identity(objects[0] as StoredObject), error);
      return;
    }
    const middle = Math.ceil(objects.length / 2);
    const halves = [objects.slice(0, middle), objects.slice(middle)];
    const results = [await this.tryRun(halves[0] as StoredObject[], settled), await this.tryRun(halves[1] as StoredObject[], settled)];
    if (results[0] !== undefined && results[1] !== undefined) {
      // Both fail: the run fails whatever it reads (the store is down), so splitting further only adds runs.
      for (const [i, half] of halves.entries()) for (const o of half) errors.set(identity(o), results[i] as string);
      return;
    }
    for (const [i, half] of halves.entries()) if (results[i] !== undefined) await this.isolate(half, results[i] as string, settled, errors);
  }

  /** One run (redone after a conflict); undefined when it succeeded, else its error's message. */
  private async tryRun(objects: readonly StoredObject[], settled: Set<string>): Promise<string | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.options.ingest(objects);
        for (const object of [...outcome.applied, ...outcome.alreadyApplied]) settled.add(identity(object));
        return undefined;
      } catch (error) {
        const conflict = (error as { code?: unknown }).code === 'PUBLISH_CONFLICT';
        if (!conflict || attempt >= CONFLICT_RETRIES || this.stopping.signal.aborted) return (error as Error).message;
      }
    }
  }

  private async finish(done: readonly QueueMessage[], failed: readonly FailedMessage[], maxReceives?: number): Promise<void> {
    const { log, queue, metrics } = this.options;
    const undeleted = new Set(await queue.delete(done));
    if (undeleted.size > 0)
      log.warn({ messages: undeleted.size }, 'handled inbox notifications could not be deleted; they come back and are found applied');
    const handled = done.length - undeleted.size;
    this.counts.handled += handled;
    metrics?.messages('handled', handled);
    const retryDelay = this.options.retryDelaySeconds ?? defaultRetryDelay;
    for (const { message, reason, objects } of failed) {
      this.counts.failed++;
      const last = maxReceives !== undefined && message.receiveCount >= maxReceives;
      const facts = { messageId: message.id, receiveCount: message.receiveCount, maxReceiveCount: maxReceives, objects, reason };
      if (last) log.error(facts, 'inbox notification failed its last try: the queue moves it to the dead-letter queue');
      else log.warn(facts, 'inbox notification failed; it is tried again later');
      metrics?.messages(last ? 'dead_lettered' : 'failed', 1);
      await queue.retryLater(message, last ? 0 : retryDelay(message.receiveCount)).catch((error: unknown) => {
        log.warn({ err: error, messageId: message.id }, 'could not schedule the next try; the visibility timeout will');
      });
    }
  }
}

/**
 * The consumer of MOVIES_INBOX_QUEUE as configured, not yet started; undefined without a queue. The
 * SQS client is loaded only then, as the S3 one is only for an S3 store.
 */
export async function configuredQueueWatcher(
  config: Config,
  ingest: QueueWatcherOptions['ingest'],
  log: Logger,
  metrics?: IngestMetrics,
): Promise<QueueWatcher | undefined> {
  const inbox = inboxLocationOf(config.inbox);
  if (config.inboxQueue === undefined || inbox === undefined) return undefined;
  const { SqsInboxQueue } = await import('./inbox-queue.js');
  const queue = new SqsInboxQueue(config.inboxQueue, {
    ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
    ...(config.s3Region ? { region: config.s3Region } : {}),
  });
  return new QueueWatcher({ queue, inbox, ingest, log, ...(metrics ? { metrics } : {}) });
}

function identity(object: StoredObject): string {
  return `${object.key}\u0000${object.etag}`;
}
