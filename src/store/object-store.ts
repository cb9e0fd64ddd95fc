import { StoreError } from '../errors/errors.js';

/**
 * The one storage abstraction cinedex uses: a flat key space of immutable-ish blobs, as S3 offers.
 * Keys are relative to the store's root (bucket prefix or folder) and use `/` separators.
 */
export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /** S3 LastModified; in the folder adapter, the file's mtime. Ingestion orders updates by it. */
  readonly lastModified: Date;
  /** S3 ETag (quotes stripped); in the folder adapter, a content hash. A new ETag means new content. */
  readonly etag: string;
  /**
   * When the object became visible to readers, if that can differ from `lastModified`: a file's
   * mtime can be set to any past time (`cp -p`, `touch -d`), its ctime cannot. The inbox ledger
   * (ingest/inbox-ledger.ts) relies on it; absent, `lastModified` is the visibility time (S3).
   */
  readonly visibleAt?: Date;
}

/** When the object became visible: see StoredObject.visibleAt. */
export function visibleAt(object: StoredObject): number {
  return (object.visibleAt ?? object.lastModified).getTime();
}

export interface GetOptions {
  /** Refuse (ObjectTooLargeError) rather than buffer an object larger than this. */
  readonly maxBytes?: number;
  /**
   * The caller does not need the ETag: a store that would compute it with a pass over the bytes
   * (the folder store) skips it, and the answer's etag may be empty. Large objects checked by their
   * own checksum (state buckets, manifests) are read this way.
   */
  readonly skipEtag?: boolean;
}

/**
 * Where a streamed read (ObjectStore.readInto) puts an object's bytes: the reader says where each
 * next piece goes, so that an object larger than one buffer (a segment of 7 GB at ten million movies;
 * Node 20's buffers stop at 4 GiB) lands straight in the arrays it is made of, copied once.
 */
export interface ByteSink {
  /**
   * Where the next bytes of the object go, after every view handed out before: a view of 1 to
   * `max` bytes, or undefined when the sink wants none now (it needs the views it handed out filled
   * first, to know what comes next, or it wants no more of the object).
   */
  next(max: number): Uint8Array | undefined;
  /** The oldest view `next` handed out and not yet reported, filled with `bytes` bytes; fewer than its length: the object ended. */
  filled(view: Uint8Array, bytes: number): void;
}

/**
 * Copies `chunk` (bytes that arrived in pieces of someone else's making: a network's, or one buffer
 * whole) where the sink says, view after view: false when the sink wanted no more of it.
 */
export function pourChunk(chunk: Uint8Array, sink: ByteSink): boolean {
  for (let at = 0; at < chunk.length;) {
    const view = sink.next(chunk.length - at);
    if (view === undefined) return false;
    view.set(chunk.subarray(at, at + view.length));
    sink.filled(view, view.length);
    at += view.length;
  }
  return true;
}

export interface PutOptions {
  readonly contentType?: string;
  /** Write only if the current object's ETag equals this (compare-and-swap). */
  readonly ifMatch?: string;
  /** Write only if no object exists under the key. */
  readonly ifNoneMatch?: '*';
  /**
   * The caller does not need the written object's ETag: a store that would compute it with a pass
   * over the bytes (the folder store) leaves it empty. Immutable objects named by their content
   * (state buckets, segments) are written this way.
   */
  readonly skipEtag?: boolean;
}

export interface ChunkedPutOptions {
  /** The chunks' total length, known before the first is written (a multipart upload sizes its parts by it). */
  readonly length: number;
  readonly contentType?: string;
}

export interface ObjectStore {
  /** Human-readable location for logs and errors, e.g. `s3://bucket/prefix` or `/var/lib/cinedex`. */
  readonly location: string;
  /**
   * Every object whose key starts with `prefix`, in ascending key order. With `skipEtag` a store that
   * would read every object to compute its ETag (the folder store) leaves it empty: garbage
   * collection lists the catalogue for names, sizes and times only.
   */
  list(prefix: string, options?: { readonly skipEtag?: boolean }): AsyncIterable<StoredObject>;
  head(key: string): Promise<StoredObject | undefined>;
  /** The object's bytes and metadata, or undefined when there is no such object. */
  get(key: string, options?: GetOptions): Promise<{ body: Buffer; object: StoredObject } | undefined>;
  /**
   * Streams the object's bytes into the sink `sinkFor` makes of its metadata (size known before the
   * first byte), in order and without gathering them, and answers that metadata (ETag possibly
   * empty), or undefined when there is no such object. Stops reading when the sink wants no more.
   */
  readInto(key: string, sinkFor: (object: StoredObject) => ByteSink): Promise<StoredObject | undefined>;
  put(key: string, body: Buffer, options?: PutOptions): Promise<StoredObject>;
  /**
   * Writes an object whose bytes come as chunks, in order, without gathering them in one buffer: a
   * segment is hundreds of megabytes at a million movies. Unconditional and without an ETag, for
   * immutable objects named by their content; readers see the whole object or none of it.
   */
  putChunks(key: string, chunks: Iterable<Uint8Array>, options: ChunkedPutOptions): Promise<void>;
  /** Removes the object; removing one that does not exist is not an error (S3 semantics). */
  delete(key: string): Promise<void>;
}

/** Chunks that do not add up to the length announced: a bug of the writer, refused before the object is complete. */
export function lengthMismatch(key: string, written: number, announced: number): StoreError {
  return new StoreError(`${key}: ${written} bytes came where ${announced} were announced; nothing was written`);
}
