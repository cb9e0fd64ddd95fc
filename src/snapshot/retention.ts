/**
 * What the store keeps, and what garbage collection may delete. Pure: the repository lists the
 * store and reads the manifests, this decides.
 *
 * Kept versions (Lucene's IndexDeletionPolicy in two parts: KeepLastN, and an expiration time as its
 * ExpirationTimeDeletionPolicy does for readers on NFS, which, like replicas reading S3, hold no lock):
 * - the current version and the `keep - 1` before it, for rolling back;
 * - any older version superseded less than `graceMs` ago: a replica that read the pointer just before
 *   it moved may still be reading that version's objects.
 *
 * An object may be deleted only when (1) no kept version references it, (2) the sequence in its name
 * is not above the current version's (a run in progress, or a crashed run whose rerun reuses its
 * objects, writes under the next sequence), and (3) it was written more than `graceMs` ago. The
 * pointer is never deleted, and only the kinds of object cinedex writes are considered.
 */

export interface VersionRecord {
  readonly manifestKey: string;
  /** Every object key the version references, its manifest included. */
  readonly references: readonly string[];
  /** When the manifest was written: the version's publication, and so when its predecessor was superseded. */
  readonly writtenAt: number;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: number;
}

export interface RetentionInput {
  readonly currentSequence: number;
  /** Versions from the current one back, following each manifest's `previous`, newest first; at least the current one. */
  readonly chain: readonly VersionRecord[];
  /** Every object under the catalogue prefix. */
  readonly listing: readonly ListedObject[];
  readonly now: number;
  readonly keep: number;
  readonly graceMs: number;
}

export interface RetentionPlan {
  /** The manifests of the kept versions, newest first. */
  readonly kept: readonly string[];
  readonly collect: readonly ListedObject[];
  /** What stays: objects and bytes. */
  readonly objects: number;
  readonly bytes: number;
}

export const POINTER_NAME = 'catalogue/current.json';
const COLLECTABLE = /^catalogue\/(versions|segments|state|audit|snapshots|synonyms)\//;
const SEQUENCE = /^catalogue\/[a-z]+\/([0-9]{8})-/;

/** How many versions, newest first, of the chain are kept. */
export function keptCount(chain: readonly VersionRecord[], now: number, keep: number, graceMs: number): number {
  let kept = 0;
  while (kept < chain.length && isKept(chain, kept, now, keep, graceMs)) kept++;
  return kept;
}

/**
 * Whether version `i` of the chain (newest first) is kept, knowing only the versions before it:
 * callers reading manifests back from the current one ask before reading the next, so they never
 * read a manifest that an earlier collection may have deleted.
 */
export function isKept(newer: readonly VersionRecord[], i: number, now: number, keep: number, graceMs: number): boolean {
  // Version i was superseded when version i - 1 was written.
  const supersededAt = i === 0 ? Infinity : (newer[i - 1] as VersionRecord).writtenAt;
  return i < Math.max(1, keep) || supersededAt > now - graceMs;
}

/** The sequence an object's name says wrote it, or 0 for names without one (older formats). */
export function sequenceOfName(key: string): number {
  const match = SEQUENCE.exec(key);
  return match ? Number(match[1]) : 0;
}

export function planRetention(input: RetentionInput): RetentionPlan {
  const { chain, listing, now, keep, graceMs, currentSequence } = input;
  const keptVersions = chain.slice(0, keptCount(chain, now, keep, graceMs));
  const referenced = new Set<string>([POINTER_NAME]);
  for (const version of keptVersions) {
    referenced.add(version.manifestKey);
    for (const key of version.references) referenced.add(key);
  }
  const collect: ListedObject[] = [];
  let objects = 0;
  let bytes = 0;
  for (const object of listing) {
    const collectable =
      COLLECTABLE.test(object.key) &&
      !referenced.has(object.key) &&
      sequenceOfName(object.key) <= currentSequence &&
      object.lastModified < now - graceMs;
    if (collectable) collect.push(object);
    else {
      objects++;
      bytes += object.size;
    }
  }
  return { kept: keptVersions.map((v) => v.manifestKey), collect, objects, bytes };
}
