import { validateRecord, type ValidRecord } from '../catalogue/validate.js';
import type { FieldChange, MergeState } from '../merge/merge-state.js';
import type { LedgerEntry } from '../snapshot/snapshot.js';
import type { StoredObject } from '../store/object-store.js';

/** How many record rejections are kept per object; the count is always exact. */
export const MAX_REJECTIONS_KEPT = 20;

export interface InboxObject {
  readonly object: StoredObject;
  readonly provider: string;
  /** The bytes, or why they could not be taken (too large). */
  readonly content: Buffer | { readonly rejected: string };
}

/**
 * An inbox object read and validated, not yet applied: a run parses every object first, so that it
 * knows which movies (and so which state buckets) it touches before it reads any.
 */
export interface ParsedObject {
  readonly object: StoredObject;
  readonly provider: string;
  /** Why the whole object was rejected; absent when its records are below. */
  readonly rejected?: string;
  /** The valid records, with their position in the file (the stamp's tie-breaker). */
  readonly records: readonly { readonly record: ValidRecord; readonly position: number }[];
  readonly recordsRejected: number;
  readonly rejections: readonly { readonly index: number; readonly reason: string }[];
}

export interface AppliedObject {
  readonly ledger: LedgerEntry;
  /** What changed in the merge state, in the order it changed. */
  readonly changes: readonly FieldChange[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A file that is not a JSON array is rejected whole; an invalid record is rejected alone and the rest of the file still applies. */
export function parseObject(input: InboxObject): ParsedObject {
  const { object, provider } = input;
  const reject = (reason: string): ParsedObject => ({
    object,
    provider,
    rejected: reason,
    records: [],
    recordsRejected: 0,
    rejections: [],
  });
  if (!Buffer.isBuffer(input.content)) return reject(input.content.rejected);
  let raw: unknown;
  try {
    raw = JSON.parse(utf8.decode(input.content));
  } catch (error) {
    return reject(error instanceof TypeError ? 'not valid UTF-8' : `not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(raw)) return reject('not a JSON array of movie records');
  const records: { record: ValidRecord; position: number }[] = [];
  const rejections: { index: number; reason: string }[] = [];
  let recordsRejected = 0;
  raw.forEach((value: unknown, position: number) => {
    const result = validateRecord(value);
    if (result.ok) records.push({ record: result.record, position });
    else {
      recordsRejected++;
      if (rejections.length < MAX_REJECTIONS_KEPT) rejections.push({ index: position, reason: result.reason });
    }
  });
  return { object, provider, records, recordsRejected, rejections };
}

/** Applies a parsed object's records to the merge state, stamped with the object's last-modified time, key and position. */
export function applyObject(state: MergeState, parsed: ParsedObject, run: string): AppliedObject {
  const { object, provider } = parsed;
  const base = { key: object.key, etag: object.etag, lastModified: object.lastModified.getTime(), size: object.size, provider, run };
  if (parsed.rejected !== undefined) {
    return {
      ledger: { ...base, status: 'rejected', reason: parsed.rejected, recordsApplied: 0, recordsRejected: 0, rejections: [] },
      changes: [],
    };
  }
  const changes: FieldChange[] = [];
  for (const { record, position } of parsed.records) {
    // Not push(...spread): a file of 100k records would exceed the argument limit.
    for (const change of state.apply(record, { lastModified: base.lastModified, objectKey: object.key, position })) changes.push(change);
  }
  return {
    ledger: {
      ...base,
      status: 'applied',
      recordsApplied: parsed.records.length,
      recordsRejected: parsed.recordsRejected,
      rejections: parsed.rejections,
    },
    changes,
  };
}
