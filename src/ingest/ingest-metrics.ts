import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from '../metrics/prom-client.js';
import type { StoredObject } from '../store/object-store.js';
import type { HeartbeatOutcome } from './visibility-heartbeat.js';

export type RunOutcome = 'published' | 'nothing_new' | 'failed' | 'conflict';
export type MessageOutcome = 'handled' | 'failed' | 'dead_lettered';

/**
 * What ingestion reports to Prometheus, from whichever process runs it (`cinedex ingest --watch`,
 * or `cinedex serve` with its scheduler). The alerts and the dashboard in
 * deploy/k8s/components/monitoring read these names.
 */
export interface IngestMetrics {
  run(outcome: RunOutcome): void;
  /** A version was published: its creation time, and the inbox objects it applied. */
  published(createdAt: Date, objects: readonly StoredObject[]): void;
  messages(outcome: MessageOutcome, count: number): void;
  /** The age of the oldest message of the last receive; 0 when the queue had none. */
  oldestMessageAge(seconds: number): void;
  /** Held messages whose visibility a heartbeat extended, or failed to. */
  visibilityExtensions(outcome: HeartbeatOutcome, count: number): void;
  /** A run found the operator's synonyms file changed and invalid, and kept the version's synonyms. */
  synonymsRejected(): void;
}

export function registerIngestMetrics(registry: Registry): IngestMetrics {
  const runs = new Counter({
    name: 'cinedex_ingest_runs_total',
    help: 'Ingestion runs by outcome: published a version, nothing_new, failed (nothing published, retried), conflict (another writer published first).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'cinedex_ingest_last_success_timestamp_seconds',
    help: 'Creation time of the last version this process published (the time cinedex_data_published_timestamp_seconds has once it serves).',
    registers: [registry],
  });
  const visible = new Histogram({
    name: 'cinedex_ingest_visible_seconds',
    help: "From an inbox object's last-modified time to the creation of the version that applied it.",
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers: [registry],
  });
  const messages = new Counter({
    name: 'cinedex_inbox_queue_messages_total',
    help: 'Inbox queue messages by outcome: handled (deleted), failed (retried later), dead_lettered (failed their last try).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const oldest = new Gauge({
    name: 'cinedex_inbox_queue_oldest_message_age_seconds',
    help: 'Age of the oldest inbox queue message in the last receive (0 when the queue was empty).',
    registers: [registry],
  });
  const extensions = new Counter({
    name: 'cinedex_inbox_queue_visibility_extensions_total',
    help: 'Visibility extensions of inbox queue messages held by a run longer than half the visibility timeout, by outcome (extended, failed).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  // A run rejects the file every time it looks while the file stays invalid: the count keeps growing until it is fixed.
  const synonymsRejected = new Counter({
    name: 'cinedex_ingest_synonyms_rejected_total',
    help: "Runs that found the operator's synonyms file (MOVIES_SYNONYMS_KEY) changed but invalid and kept the version's synonyms.",
    registers: [registry],
  });
  // Zero series from the start, so rate() and increase() see the first event.
  for (const outcome of ['published', 'nothing_new', 'failed', 'conflict'] satisfies RunOutcome[]) runs.inc({ outcome }, 0);
  for (const outcome of ['handled', 'failed', 'dead_lettered'] satisfies MessageOutcome[]) messages.inc({ outcome }, 0);
  for (const outcome of ['extended', 'failed'] satisfies HeartbeatOutcome[]) extensions.inc({ outcome }, 0);
  return {
    run: (outcome) => runs.inc({ outcome }),
    published(createdAt, objects) {
      lastSuccess.set(createdAt.getTime() / 1000);
      for (const object of objects) visible.observe(Math.max(0, (createdAt.getTime() - object.lastModified.getTime()) / 1000));
    },
    messages: (outcome, count) => messages.inc({ outcome }, count),
    oldestMessageAge: (seconds) => oldest.set(seconds),
    visibilityExtensions: (outcome, count) => extensions.inc({ outcome }, count),
    synonymsRejected: () => synonymsRejected.inc(),
  };
}
