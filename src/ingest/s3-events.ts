import type { StoredObject } from '../store/object-store.js';

/** The inbox as S3 names it: a bucket, and the key prefix every provider writes under (`inbox/`, or empty). */
export interface InboxLocation {
  readonly bucket: string;
  readonly prefix: string;
}

/**
 * What one message of the inbox queue says. S3 sends a test event when the notification is
 * configured, then one record per created object; a message that is neither cannot be handled.
 */
export type InboxNotification =
  | { readonly kind: 'test-event' }
  | {
      readonly kind: 'objects';
      /** Created objects under the inbox, keyed relative to it as the inbox store keys them. */
      readonly objects: readonly StoredObject[];
      /** Records that are not about the inbox (another bucket or prefix, another event), for the log. */
      readonly ignored: readonly string[];
    }
  | { readonly kind: 'invalid'; readonly reason: string };

/** `s3://bucket/prefix` as the inbox location the notifications are matched against; undefined for a folder. */
export function inboxLocationOf(url: string): InboxLocation | undefined {
  if (!url.startsWith('s3://')) return undefined;
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  // The S3 store's own normalisation: no leading slash, one trailing slash unless empty.
  const prefix = (slash === -1 ? '' : rest.slice(slash + 1)).replace(/^\/+/, '').replace(/\/*$/, '/');
  return { bucket, prefix: prefix === '/' ? '' : prefix };
}

/**
 * Reads one message body. S3 writes keys URL-encoded, with `+` for a space (form encoding), so
 * `a+b%2Bc` is the key `a b+c`. The record's event time stands for the object's last-modified time
 * (ingestion orders updates by it), and is read as UTC when it has no zone, as some S3
 * implementations write it.
 */
export function parseInboxNotification(body: string, inbox: InboxLocation): InboxNotification {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return { kind: 'invalid', reason: 'the message is not JSON' };
  }
  if (!isObject(message)) return { kind: 'invalid', reason: 'the message is not a JSON object' };
  if (message.Event === 's3:TestEvent') return { kind: 'test-event' };
  if (!Array.isArray(message.Records)) return { kind: 'invalid', reason: 'the message is not an S3 event notification (no Records)' };
  const objects: StoredObject[] = [];
  const ignored: string[] = [];
  for (const [index, record] of (message.Records as unknown[]).entries()) {
    const read = readRecord(record);
    if (typeof read === 'string') return { kind: 'invalid', reason: `record ${index}: ${read}` };
    const where = `s3://${read.bucket}/${read.key}`;
    if (!read.eventName.startsWith('ObjectCreated:')) ignored.push(`${read.eventName} ${where}`);
    else if (read.bucket !== inbox.bucket || !read.key.startsWith(inbox.prefix)) ignored.push(`${where} is outside the inbox`);
    else objects.push({ key: read.key.slice(inbox.prefix.length), size: read.size, etag: read.etag, lastModified: read.time });
  }
  return { kind: 'objects', objects, ignored };
}

interface EventRecord {
  readonly eventName: string;
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly time: Date;
}

/** One record's fields, or why they cannot be used. */
function readRecord(record: unknown): EventRecord | string {
  if (!isObject(record) || !isObject(record.s3)) return 'not an S3 event record';
  const { eventName, eventTime } = record;
  const { bucket, object } = record.s3;
  if (typeof eventName !== 'string') return 'no eventName';
  if (!isObject(bucket) || typeof bucket.name !== 'string') return 'no bucket name';
  if (!isObject(object) || typeof object.key !== 'string') return 'no object key';
  let key: string;
  try {
    key = decodeURIComponent(object.key.replace(/\+/g, ' '));
  } catch {
    return `the key "${object.key.slice(0, 200)}" is not URL-encoded`;
  }
  if (!eventName.startsWith('ObjectCreated:')) return { eventName, bucket: bucket.name, key, size: 0, etag: '', time: new Date(0) };
  if (typeof object.eTag !== 'string' || object.eTag === '') return 'no object eTag';
  if (typeof object.size !== 'number' || !Number.isSafeInteger(object.size) || object.size < 0) return 'no object size';
  const time = typeof eventTime === 'string' ? eventTimeOf(eventTime) : undefined;
  if (time === undefined) return 'no valid eventTime';
  return { eventName, bucket: bucket.name, key, size: object.size, etag: object.eTag.replace(/"/g, ''), time };
}

function eventTimeOf(text: string): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)\d*(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!match) return undefined;
  const time = new Date(`${match[1]}${match[2] ?? 'Z'}`);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
