import { PreconditionFailedError, type ObjectStore } from '../store/object-store.js';
import { decodeSnapshot, encodeSnapshot, sha256Hex } from './codec.js';
import { POINTER_KEY, SNAPSHOT_PREFIX, SnapshotError, type Pointer, type Snapshot } from './snapshot.js';

export interface CurrentPointer {
  readonly pointer: Pointer;
  /** The pointer object's own ETag, for the compare-and-swap that publishes the next one. */
  readonly etag: string;
}

/** Another writer moved the pointer while this run worked; its result is discarded, nothing is lost. */
export class PublishConflictError extends Error {
  readonly code = 'PUBLISH_CONFLICT';
  constructor(message: string) {
    super(message);
    this.name = 'PublishConflictError';
  }
}

/**
 * Snapshots are immutable, content-addressed objects; the pointer is the only thing that changes,
 * and it changes last. A crash anywhere before leaves the previous snapshot current.
 */
export class SnapshotRepository {
  constructor(readonly store: ObjectStore) {}

  async current(): Promise<CurrentPointer | undefined> {
    const found = await this.store.get(POINTER_KEY, { maxBytes: 64 * 1024 });
    if (!found) return undefined;
    let pointer: Pointer;
    try {
      pointer = JSON.parse(found.body.toString('utf8')) as Pointer;
    } catch {
      throw new SnapshotError(`the pointer ${this.store.location}/${POINTER_KEY} is not valid JSON`);
    }
    if (pointer.format !== 'cinedex-pointer/1' || typeof pointer.snapshotKey !== 'string' || typeof pointer.sha256 !== 'string') {
      throw new SnapshotError(`the pointer ${this.store.location}/${POINTER_KEY} is not a cinedex pointer`);
    }
    return { pointer, etag: found.object.etag };
  }

  /** Reads a snapshot and refuses it unless its bytes match the pointer's checksum and it decodes cleanly. */
  async load(pointer: Pointer): Promise<Snapshot> {
    const found = await this.store.get(pointer.snapshotKey);
    if (!found) throw new SnapshotError(`snapshot ${pointer.snapshotKey} named by the pointer does not exist`);
    const sha = sha256Hex(found.body);
    if (sha !== pointer.sha256) {
      throw new SnapshotError(`snapshot ${pointer.snapshotKey} fails its checksum (sha256 ${sha}, pointer says ${pointer.sha256})`);
    }
    return decodeSnapshot(found.body);
  }

  /**
   * Writes the snapshot, then moves the pointer with a compare-and-swap against the pointer this
   * run started from (`expectedEtag`, or no pointer at all for the first snapshot).
   */
  async publish(snapshot: Snapshot, expectedEtag: string | null, now: Date): Promise<Pointer> {
    const bytes = await encodeSnapshot(snapshot);
    const sha256 = sha256Hex(bytes);
    const version = `${snapshot.sequence}-${sha256.slice(0, 12)}`;
    const snapshotKey = `${SNAPSHOT_PREFIX}${String(snapshot.sequence).padStart(8, '0')}-${sha256.slice(0, 32)}.ndjson.gz`;
    const existing = await this.store.head(snapshotKey);
    // Content-addressed: an object already under this key (a rerun after a crash) has these bytes.
    if (!existing)
      await this.store.put(snapshotKey, bytes, { contentType: 'application/x-ndjson', ifNoneMatch: '*' }).catch(ignoreConflict);
    let movies = 0;
    for (const entry of snapshot.entries) if (!entry.deleted) movies++;
    const pointer: Pointer = {
      format: 'cinedex-pointer/1',
      version,
      snapshotKey,
      sha256,
      bytes: bytes.length,
      sequence: snapshot.sequence,
      movies,
      createdAt: now.toISOString(),
    };
    const body = Buffer.from(JSON.stringify(pointer, null, 2) + '\n');
    try {
      await this.store.put(POINTER_KEY, body, {
        contentType: 'application/json',
        ...(expectedEtag === null ? { ifNoneMatch: '*' as const } : { ifMatch: expectedEtag }),
      });
    } catch (error) {
      if (error instanceof PreconditionFailedError) {
        throw new PublishConflictError(
          'another run published a snapshot first; this run published nothing and the next run will pick up its objects',
        );
      }
      throw error;
    }
    return pointer;
  }
}

function ignoreConflict(error: unknown): void {
  if (!(error instanceof PreconditionFailedError)) throw error;
}
