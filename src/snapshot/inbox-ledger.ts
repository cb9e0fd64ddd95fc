/**
 * Which inbox objects a run has already handled, in a form whose size does not grow with every file
 * a provider ever wrote. Two parts:
 *
 * - the horizon: every inbox object visible before it has been handled (applied or rejected);
 * - the recent marks: the objects handled at or after the horizon, by key and ETag.
 *
 * Only a run that listed the whole inbox may move the horizon, to the newest visibility time it saw
 * minus LEDGER_WINDOW_MS. Why that is safe: an object becomes listable at most LEDGER_WINDOW_MS after
 * its visibility time (S3's LastModified is when the upload started; the window covers an upload of
 * MOVIES_MAX_UPDATE_BYTES on a slow link many times over), and the listing that saw the newest object
 * happened after that object's visibility time; so every object visible more than a window before it
 * was in that listing, and a listed object always ends the run applied or rejected. A run driven by
 * queue notifications reads only the notified objects, proves nothing about the others, and so only
 * adds marks. The marks kept are those at or after the horizon: what one window (and the time between
 * two full listings) brings, not the inbox's whole history.
 */
export const LEDGER_WINDOW_MS = 10 * 60 * 1000;

/** [key, ETag, visibility time in ms]: an object handled at or after the horizon. */
export type LedgerMark = readonly [key: string, etag: string, visibleAt: number];

export interface InboxLedger {
  readonly horizon: number;
  /** In key order, then ETag: equal ledgers are equal bytes. */
  readonly recent: readonly LedgerMark[];
}

export const EMPTY_LEDGER: InboxLedger = { horizon: 0, recent: [] };

export interface InboxObjectId {
  readonly key: string;
  readonly etag: string;
  readonly visibleAt: number;
}

/** Has a run already applied or rejected this object (this very content: key and ETag)? */
export function isHandled(ledger: InboxLedger, object: InboxObjectId): boolean {
  if (object.visibleAt < ledger.horizon) return true;
  return marksOf(ledger).has(markKey(object.key, object.etag));
}

/** The objects of `candidates` no run has handled yet. */
export function pendingOf<T extends InboxObjectId>(ledger: InboxLedger, candidates: Iterable<T>): T[] {
  const marks = marksOf(ledger);
  const out: T[] = [];
  for (const object of candidates) {
    if (object.visibleAt >= ledger.horizon && !marks.has(markKey(object.key, object.etag))) out.push(object);
  }
  return out;
}

/**
 * The ledger after a run handled `handled`. `fullListing` is the newest visibility time of a listing
 * of the whole inbox the run made (undefined when it read only notified objects).
 */
export function nextLedger(ledger: InboxLedger, handled: readonly InboxObjectId[], fullListing?: number): InboxLedger {
  const horizon = fullListing === undefined ? ledger.horizon : Math.max(ledger.horizon, fullListing - LEDGER_WINDOW_MS);
  const byKey = new Map<string, LedgerMark>();
  for (const mark of ledger.recent) byKey.set(markKey(mark[0], mark[1]), mark);
  for (const o of handled) byKey.set(markKey(o.key, o.etag), [o.key, o.etag, o.visibleAt]);
  const recent = [...byKey.values()]
    .filter((mark) => mark[2] >= horizon)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return { horizon, recent };
}

const marksCache = new WeakMap<InboxLedger, Set<string>>();

function marksOf(ledger: InboxLedger): Set<string> {
  let marks = marksCache.get(ledger);
  if (marks === undefined) {
    marks = new Set(ledger.recent.map((mark) => markKey(mark[0], mark[1])));
    marksCache.set(ledger, marks);
  }
  return marks;
}

function markKey(key: string, etag: string): string {
  return `${key}\u0000${etag}`;
}
