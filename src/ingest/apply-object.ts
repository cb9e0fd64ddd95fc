import { validateRecord } from '../catalogue/validate.js';
import type { MergeState } from '../merge/merge-state.js';
import type { AuditEntry, LedgerEntry } from '../snapshot/snapshot.js';
import type { StoredObject } from '../store/object-store.js';

/** How many record rejections are kept per object; the count is always exact. */
export const MAX_REJECTIONS_KEPT = 20;

export interface InboxObject {
  readonly object: StoredObject;
  readonly provider: string;
  /** The bytes, or why they could not be taken (too large). */
  readonly content: Buffer | { readonly rejected: string };
}

export interface AppliedObject {
  readonly ledger: LedgerEntry;
  readonly audit: AuditEntry[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Applies one inbox object to the merge state. A file that is not a JSON array is rejected whole;
 * an invalid record is rejected alone and the rest of the file still applies.
 */
export function applyObject(state: MergeState, input: InboxObject, sourceIndex: number, run: string): AppliedObject {
  const { object, provider } = input;
  const base = { key: object.key, etag: object.etag, lastModified: object.lastModified.getTime(), size: object.size, provider, run };
  const reject = (reason: string): AppliedObject => ({
    ledger: { ...base, status: 'rejected', reason, recordsApplied: 0, recordsRejected: 0, rejections: [] },
    audit: [],
  });
  if (!Buffer.isBuffer(input.content)) return reject(input.content.rejected);
  let records: unknown;
  try {
    records = JSON.parse(utf8.decode(input.content));
  } catch (error) {
    return reject(error instanceof TypeError ? 'not valid UTF-8' : `not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(records)) return reject('not a JSON array of movie records');

  const audit: AuditEntry[] = [];
  const rejections: { index: number; reason: string }[] = [];
  let recordsApplied = 0;
  let recordsRejected = 0;
  records.forEach((raw: unknown, position: number) => {
    const result = validateRecord(raw);
    if (!result.ok) {
      recordsRejected++;
      if (rejections.length < MAX_REJECTIONS_KEPT) rejections.push({ index: position, reason: result.reason });
      return;
    }
    recordsApplied++;
    const stamp = { lastModified: base.lastModified, objectKey: object.key, position };
    for (const change of state.apply(result.record, stamp)) audit.push({ ...change, source: sourceIndex, run });
  });
  return { ledger: { ...base, status: 'applied', recordsApplied, recordsRejected, rejections }, audit };
}
