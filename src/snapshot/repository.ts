import { buildIndex } from '../engine/build/build-index.js';
import type { Movie } from '../catalogue/movie.js';
import { PreconditionFailedError, PublishConflictError, SnapshotError } from '../errors/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { AUDIT_BUCKETS, bucketOf, decodeBucket, encodeBucket, type AuditRecord } from './audit.js';
import { decodeSnapshot, encodeSnapshot, sha256Hex } from './state-codec.js';
import { decodeSegment, encodeSegment, readsSegmentFormat, SEGMENT_FORMAT, type Segment } from './segment-codec.js';
import {
  AUDIT_PREFIX,
  POINTER_FORMATS,
  POINTER_KEY,
  SEGMENT_PREFIX,
  STATE_PREFIX,
  type LedgerEntry,
  type Pointer,
  type RunSummary,
  type SegmentPointer,
  type Snapshot,
} from './snapshot.js';

export interface CurrentPointer {
  readonly pointer: Pointer;
  /** The pointer object's own ETag, for the compare-and-swap that publishes the next one. */
  readonly etag: string;
}

/** What a replica reads beside the index: the last run, for /v1/status, and where each movie's history is. */
export interface SegmentMeta {
  readonly sequence: number;
  readonly lastRun: { readonly summary: RunSummary; readonly objects: readonly LedgerEntry[] } | null;
  readonly auditBuckets: readonly (string | null)[];
}

/**
 * Snapshots are immutable objects named by their content; the pointer is the only thing that
 * changes, and it changes last. A crash anywhere before leaves the previous snapshot current, and
 * a rerun writes the same objects under the same names.
 *
 * A snapshot of pointer format 2 is three kinds of object: the merge state (NDJSON, for the next
 * ingestion run), the segment (the index every replica serves from) and the audit buckets (read
 * per movie on demand). Format 1 snapshots, one NDJSON object holding everything, are still read.
 */
export class SnapshotRepository {
  constructor(readonly store: ObjectStore) {}

  async current(): Promise<CurrentPointer | undefined> {
    const found = await this.store.get(POINTER_KEY, { maxBytes: 64 * 1024 });
    if (!found) return undefined;
    let pointer: Pointer;
    try {
      pointer = JSON.parse(found.body.toString('utf8')) as Pointer;
    } catch (error) {
      throw new SnapshotError(`the pointer ${this.store.location}/${POINTER_KEY} is not valid JSON`, { cause: error });
    }
    const format = (pointer as { format?: unknown }).format;
    if (!(POINTER_FORMATS as readonly unknown[]).includes(format)) {
      throw new SnapshotError(
        `the pointer ${this.store.location}/${POINTER_KEY} has format ${JSON.stringify(format)}, which this release does not read ` +
          `(it reads ${POINTER_FORMATS.join(' and ')}): a newer release published it; upgrade this replica`,
        { reason: 'unknown-format', ...(typeof pointer.version === 'string' ? { version: pointer.version } : {}) },
      );
    }
    return { pointer, etag: found.object.etag };
  }

  /** The merge state a pointer names, refused unless its bytes match the pointer's checksum and it decodes cleanly. */
  async loadState(pointer: Pointer): Promise<Snapshot> {
    const ref = pointer.format === 'cinedex-pointer/1' ? { key: pointer.snapshotKey, sha256: pointer.sha256 } : pointer.state;
    const found = await this.store.get(ref.key, { skipEtag: true });
    if (!found) throw new SnapshotError(`snapshot ${ref.key} named by the pointer does not exist`, { reason: 'missing' });
    const sha = sha256Hex(found.body);
    if (sha !== ref.sha256) throw new SnapshotError(`snapshot ${ref.key} fails its checksum (sha256 ${sha}, pointer says ${ref.sha256})`);
    return decodeSnapshot(found.body);
  }

  /** The segment a pointer names: bytes read and wrapped, refused when damaged or of a format this release does not read. */
  async loadSegment(pointer: SegmentPointer): Promise<Segment<SegmentMeta>> {
    const { segment } = pointer;
    if (!readsSegmentFormat(segment.format)) {
      throw new SnapshotError(
        `segment ${segment.key} has format ${segment.format}, which this release does not read (format ${SEGMENT_FORMAT}): a newer release published it`,
        { reason: 'unknown-format' },
      );
    }
    const found = await this.store.get(segment.key, { skipEtag: true });
    if (!found) throw new SnapshotError(`segment ${segment.key} named by the pointer does not exist`, { reason: 'missing' });
    try {
      return decodeSegment<SegmentMeta>(found.body, segment.sha256);
    } catch (error) {
      if (error instanceof SnapshotError)
        throw new SnapshotError(`segment ${segment.key}: ${error.message}`, { reason: error.reason, cause: error });
      throw error;
    }
  }

  async readAuditBucket(key: string): Promise<AuditRecord[]> {
    const found = await this.store.get(key, { skipEtag: true });
    if (!found) throw new SnapshotError(`audit bucket ${key} named by the segment does not exist`, { reason: 'missing' });
    return decodeBucket(found.body);
  }

  /**
   * Writes the snapshot after `next.basedOn`: the audit buckets the new `history` touches, the
   * merge state, the index built from it as a segment, and last the pointer, with a compare-and-swap
   * against the pointer this run started from (`expectedEtag`, or no pointer at all for the first).
   */
  async publish(
    next: Omit<Snapshot, 'audit'>,
    history: readonly AuditRecord[],
    expectedEtag: string | null,
    now: Date,
  ): Promise<SegmentPointer> {
    const auditBuckets = await this.writeAudit(next.auditBuckets, history);
    const stateBytes = await encodeSnapshot({ ...next, audit: [], auditBuckets });
    const stateSha = sha256Hex(stateBytes);
    const sequence = String(next.sequence).padStart(8, '0');
    const stateKey = `${STATE_PREFIX}${sequence}-${stateSha.slice(0, 32)}.ndjson.gz`;
    await this.putOnce(stateKey, stateBytes, 'application/x-ndjson');
    const version = `${next.sequence}-${stateSha.slice(0, 12)}`;

    const movies: Movie[] = [];
    for (const entry of next.entries) if (!entry.deleted) movies.push({ ...entry.values, id: entry.id });
    const summary = next.runs[next.runs.length - 1];
    const meta: SegmentMeta = {
      sequence: next.sequence,
      lastRun: summary ? { summary, objects: next.ledger.filter((entry) => entry.run === summary.id) } : null,
      auditBuckets,
    };
    const segment = encodeSegment(buildIndex(version, movies), meta);
    const segmentKey = `${SEGMENT_PREFIX}${sequence}-${segment.sha256.slice(0, 32)}.seg`;
    await this.putOnce(segmentKey, segment.bytes, 'application/octet-stream');

    const pointer: SegmentPointer = {
      format: 'cinedex-pointer/2',
      version,
      sequence: next.sequence,
      movies: movies.length,
      createdAt: now.toISOString(),
      state: { key: stateKey, sha256: stateSha, bytes: stateBytes.length },
      segment: { key: segmentKey, sha256: segment.sha256, bytes: segment.bytes.length, format: SEGMENT_FORMAT },
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
          { cause: error },
        );
      }
      throw error;
    }
    return pointer;
  }

  /** Appends `history` to the buckets it touches, each rewritten as a new object; the others keep theirs. */
  private async writeAudit(previous: readonly (string | null)[] | undefined, history: readonly AuditRecord[]): Promise<(string | null)[]> {
    const table = previous ? [...previous] : Array<string | null>(AUDIT_BUCKETS).fill(null);
    const touched = new Map<number, AuditRecord[]>();
    for (const record of history) {
      const bucket = bucketOf(record.id);
      const list = touched.get(bucket) ?? [];
      list.push(record);
      touched.set(bucket, list);
    }
    for (const [bucket, records] of [...touched].sort((a, b) => a[0] - b[0])) {
      const key = table[bucket];
      const before = key ? await this.readAuditBucket(key) : [];
      const bytes = await encodeBucket([...before, ...records]);
      const name = `${AUDIT_PREFIX}${bucket.toString(16).padStart(2, '0')}-${sha256Hex(bytes).slice(0, 32)}.ndjson.gz`;
      await this.putOnce(name, bytes, 'application/x-ndjson');
      table[bucket] = name;
    }
    return table;
  }

  /**
   * Content-addressed: an object already under this key (a rerun after a crash) has these bytes, and
   * two writers racing to write it write the same bytes, so no conditional write (and no lock) is needed.
   */
  private async putOnce(key: string, bytes: Buffer, contentType: string): Promise<void> {
    if (await this.store.head(key)) return;
    await this.store.put(key, bytes, { contentType });
  }
}
