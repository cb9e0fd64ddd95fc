import type { Movie } from '../catalogue/movie.js';
import { buildIndex, type SortedMovies } from '../engine/build/build-index.js';
import { PreconditionFailedError, PublishConflictError, SnapshotError } from '../errors/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { decodeBucket, type AuditRecord } from './audit.js';
import type { LoadPhases } from './load-phases.js';
import { MANIFEST_FORMAT, type Manifest, type SegmentRef } from './manifest.js';
import { decodeSnapshot, sha256Hex } from './state-codec.js';
import { readsSegmentFormat, SEGMENT_FORMAT, SpooledSegment, type EncodedSegment, type Segment } from './segment-codec.js';
import { SegmentReader } from './segment-reader.js';
import { StateBucket } from './state-bucket.js';
import { parseSynonymsFile, SYNONYMS_PREFIX, type SynonymsRef } from './synonyms-file.js';
import type { SynonymEntry } from '../engine/synonyms.js';
import {
  POINTER_FORMATS,
  POINTER_KEY,
  SEGMENT_PREFIX,
  STATE_PREFIX,
  VERSION_PREFIX,
  type LedgerEntry,
  type LegacyPointer,
  type ObjectRef,
  type Pointer,
  type RunSummary,
  type SegmentPointer,
  type Snapshot,
  type StoreStats,
  type VersionPointer,
} from './snapshot.js';

export interface CurrentPointer {
  readonly pointer: Pointer;
  /** The pointer object's own ETag, for the compare-and-swap that publishes the next one. */
  readonly etag: string;
}

/** A version just published, with the pointer's ETag for the compare-and-swap of the next one. */
export interface PublishedVersion extends CurrentPointer {
  readonly pointer: VersionPointer;
}

/** What a format-2 segment carries beside the index: the last run, and where each movie's history is. */
export interface LegacySegmentMeta {
  readonly sequence: number;
  readonly lastRun: { readonly summary: RunSummary; readonly objects: readonly LedgerEntry[] } | null;
  readonly auditBuckets: readonly (string | null)[];
}

/** What a format-3 segment carries beside the index. */
export interface SegmentMeta {
  readonly kind: 'base' | 'delta';
  /** The sequence that wrote it. */
  readonly sequence: number;
  /** Ids this segment removes from every older segment, beside those its own movies replace. */
  readonly deletes: readonly string[];
}

/**
 * The store's catalogue objects, read and written. Everything but the pointer is immutable and
 * named by the sequence that wrote it and its content: a rerun of a crashed run writes the same
 * objects under the same names, and two writers racing to write one write the same bytes. The
 * pointer changes last, by compare-and-swap, so a crash anywhere before leaves the previous version
 * current.
 *
 * Format 3 (this release writes it): pointer → manifest → base and delta segments, state buckets.
 * Formats 1 and 2 are read so that a store written by an older release is served until its first
 * ingestion run converts it (ingest/convert-store.ts).
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
          `(it reads ${POINTER_FORMATS.join(', ')}): a newer release published it; upgrade this replica`,
        { reason: 'unknown-format', ...(typeof pointer.version === 'string' ? { version: pointer.version } : {}) },
      );
    }
    return { pointer, etag: found.object.etag };
  }

  /** A version's manifest, refused unless its bytes match the checksum its referrer recorded. */
  async readManifest(ref: ObjectRef): Promise<Manifest> {
    const bytes = await this.readChecked(ref, 'manifest');
    let manifest: Manifest;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    } catch (error) {
      throw new SnapshotError(`manifest ${ref.key} is not valid JSON`, { cause: error });
    }
    if (manifest.format !== MANIFEST_FORMAT) {
      throw new SnapshotError(`manifest ${ref.key} has format ${JSON.stringify(manifest.format)}, not ${MANIFEST_FORMAT}`, {
        reason: 'unknown-format',
      });
    }
    return manifest;
  }

  /** A segment a manifest names: bytes read and wrapped, refused when damaged or of a format this release does not read. */
  async loadSegment(ref: SegmentRef, phases?: LoadPhases): Promise<Segment<SegmentMeta>> {
    const { index, meta } = await this.wrapSegment<Partial<SegmentMeta>>(ref, phases);
    // A format-2 segment (the base of a converted store) has no kind and deletes nothing.
    return { index, meta: { kind: meta.kind ?? 'base', sequence: meta.sequence ?? ref.sequence, deletes: meta.deletes ?? [] } };
  }

  /** A merge-state bucket (snapshot/state-bucket.ts); `null` is a bucket no movie has reached yet. */
  async readStateBucket(key: string | null): Promise<StateBucket> {
    if (key === null) return StateBucket.EMPTY;
    const found = await this.store.get(key, { skipEtag: true });
    if (!found) throw new SnapshotError(`state bucket ${key} named by the manifest does not exist`, { reason: 'missing' });
    return StateBucket.read(found.body, `state bucket ${key}`);
  }

  /** Indexes `movies` (any order, or sorted already: a compaction's) as a segment (a base, or a delta and its deletions) and writes it. */
  async writeSegment(movies: readonly Movie[] | SortedMovies, meta: SegmentMeta): Promise<SegmentRef> {
    const { sequence } = meta;
    const count = 'rows' in movies ? movies.size : movies.length;
    // Each section is written to a spool as it is built and let go (SpooledSegment), then the segment from there.
    const spool = await SpooledSegment.open();
    let segment: EncodedSegment;
    let key: string;
    try {
      segment = spool.segment(buildIndex(`${sequence}-${meta.kind}`, movies, spool), meta);
      key = `${SEGMENT_PREFIX}${seq8(sequence)}-${segment.sha256.slice(0, 32)}.seg`;
      // Content-addressed, as putOnce's objects.
      if (!(await this.store.head(key)))
        await this.store.putChunks(key, segment.chunks(), { length: segment.length, contentType: SEGMENT_TYPE });
    } finally {
      await spool.close();
    }
    return {
      key,
      sha256: segment.sha256,
      bytes: segment.length,
      format: SEGMENT_FORMAT,
      sequence,
      movies: count,
      deletes: meta.deletes.length,
    };
  }

  async writeStateBucket(sequence: number, bucket: number, bytes: Buffer): Promise<string> {
    const key = `${STATE_PREFIX}${seq8(sequence)}-${bucket.toString(16).padStart(2, '0')}-${sha256Hex(bytes).slice(0, 32)}.ndjson`;
    await this.putOnce(key, bytes, 'application/x-ndjson');
    return key;
  }

  /** Writes a synonyms file already validated (synonyms-file.ts) into a version, named by the sequence and its content. */
  async writeSynonyms(sequence: number, bytes: Buffer, source: SynonymsRef['source'], entries: number): Promise<SynonymsRef> {
    const sha = sha256Hex(bytes);
    const key = `${SYNONYMS_PREFIX}${seq8(sequence)}-${sha.slice(0, 32)}.json`;
    await this.putOnce(key, bytes, 'application/json');
    return { key, sha256: sha, bytes: bytes.length, source, entries };
  }

  /** The synonyms a manifest names, refused when missing or damaged. */
  async readSynonyms(ref: SynonymsRef): Promise<SynonymEntry[]> {
    const bytes = await this.readChecked(ref, 'synonyms');
    try {
      return parseSynonymsFile(bytes);
    } catch (error) {
      throw new SnapshotError(`synonyms ${ref.key}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Writes the manifest, then moves the pointer to it with a compare-and-swap against the pointer
   * this run started from (`expectedEtag`, or no pointer at all for the first version).
   */
  async publish(manifest: Manifest, expectedEtag: string | null, now: Date, store: StoreStats): Promise<PublishedVersion> {
    const bytes = Buffer.from(JSON.stringify(manifest) + '\n');
    const sha = sha256Hex(bytes);
    const key = `${VERSION_PREFIX}${seq8(manifest.sequence)}-${sha.slice(0, 32)}.json`;
    await this.putOnce(key, bytes, 'application/json');
    const pointer: VersionPointer = {
      format: 'cinedex-pointer/3',
      version: `${manifest.sequence}-${sha.slice(0, 12)}`,
      sequence: manifest.sequence,
      movies: manifest.movies,
      createdAt: now.toISOString(),
      manifest: { key, sha256: sha, bytes: bytes.length },
      store,
    };
    const body = Buffer.from(JSON.stringify(pointer, null, 2) + '\n');
    try {
      const written = await this.store.put(POINTER_KEY, body, {
        contentType: 'application/json',
        ...(expectedEtag === null ? { ifNoneMatch: '*' as const } : { ifMatch: expectedEtag }),
      });
      return { pointer, etag: written.etag };
    } catch (error) {
      if (error instanceof PreconditionFailedError) {
        throw new PublishConflictError(
          'another run published a version first; this run published nothing and the next run will pick up its objects',
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Format 1 and 2: the merge state a pointer names (read once, by the run that converts the store). */
  async loadState(pointer: LegacyPointer | SegmentPointer): Promise<Snapshot> {
    const ref =
      pointer.format === 'cinedex-pointer/1' ? { key: pointer.snapshotKey, sha256: pointer.sha256, bytes: pointer.bytes } : pointer.state;
    return decodeSnapshot(await this.readChecked(ref, 'snapshot'));
  }

  /** Format 2: the one segment a pointer names. */
  loadLegacySegment(pointer: SegmentPointer): Promise<Segment<LegacySegmentMeta>> {
    return this.wrapSegment<LegacySegmentMeta>(pointer.segment);
  }

  /** Format 2: one bucket of the audit trail. */
  async readAuditBucket(key: string): Promise<AuditRecord[]> {
    const found = await this.store.get(key, { skipEtag: true });
    if (!found) throw new SnapshotError(`audit bucket ${key} named by the segment does not exist`, { reason: 'missing' });
    return decodeBucket(found.body);
  }

  private async wrapSegment<Meta>(ref: ObjectRef & { readonly format: number }, phases?: LoadPhases): Promise<Segment<Meta>> {
    if (!readsSegmentFormat(ref.format)) {
      throw new SnapshotError(
        `segment ${ref.key} has format ${ref.format}, which this release does not read (format ${SEGMENT_FORMAT}): a newer release published it`,
        { reason: 'unknown-format' },
      );
    }
    const reading = performance.now();
    // Read straight into each section's array and hashed as it arrives: never the whole segment in one buffer.
    // Once the header is in, the reads of the sections are issued: from then on the load mostly waits for
    // them, and `cinedex serve` builds its server meanwhile.
    let reader: SegmentReader<Meta> | undefined;
    const found = await this.store.readInto(
      ref.key,
      (object) => (reader = new SegmentReader<Meta>(object.size, () => phases?.segmentReadIssued())),
    );
    phases?.add('segmentReadAndHash', reading);
    if (!found || !reader) throw new SnapshotError(`segment ${ref.key} does not exist`, { reason: 'missing' });
    const decoding = performance.now();
    try {
      return reader.result(ref.sha256);
    } catch (error) {
      if (error instanceof SnapshotError)
        throw new SnapshotError(`segment ${ref.key}: ${error.message}`, { reason: error.reason, cause: error });
      throw error;
    } finally {
      phases?.add('segmentDecode', decoding);
    }
  }

  private async readChecked(ref: ObjectRef, what: string): Promise<Buffer> {
    const found = await this.store.get(ref.key, { skipEtag: true });
    if (!found) throw new SnapshotError(`${what} ${ref.key} does not exist`, { reason: 'missing' });
    const sha = sha256Hex(found.body);
    if (sha !== ref.sha256)
      throw new SnapshotError(`${what} ${ref.key} fails its checksum (sha256 ${sha}, its referrer says ${ref.sha256})`);
    return found.body;
  }

  /**
   * Content-addressed: an object already under this key (a rerun after a crash) has these bytes, and
   * two writers racing to write it write the same bytes, so no conditional write (and no lock) is needed.
   */
  async putOnce(key: string, bytes: Buffer, contentType: string): Promise<void> {
    if (await this.store.head(key)) return;
    await this.store.put(key, bytes, { contentType, skipEtag: true });
  }
}

const SEGMENT_TYPE = 'application/octet-stream';

/** Object names start with the sequence that wrote them, zero-padded so they list in order. */
export function seq8(sequence: number): string {
  return String(sequence).padStart(8, '0');
}
