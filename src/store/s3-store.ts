import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { StoreError, PreconditionFailedError, ObjectTooLargeError, ObjectUnreadableError } from '../errors/errors.js';
import {
  lengthMismatch,
  pourChunk,
  type ByteSink,
  type ChunkedPutOptions,
  type GetOptions,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';

export interface S3StoreOptions {
  readonly bucket: string;
  /** Key prefix inside the bucket, with or without a trailing slash. */
  readonly prefix?: string;
  /** An S3-compatible endpoint (MinIO, s3rver…); path-style addressing is used with it. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Total attempts per request, the SDK's exponential backoff with jitter between them. */
  readonly maxAttempts?: number;
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  readonly sse?: 'AES256' | 'aws:kms';
  readonly kmsKeyId?: string;
  /** Bytes per part of a multipart upload (at least S3's 5 MiB); an object of at most this many is one PUT. */
  readonly partBytes?: number;
}

/**
 * S3 through the AWS SDK v3 with its default credential chain. Conditional writes use the
 * If-Match / If-None-Match headers S3 supports since 2024; a store that ignores them (s3rver,
 * older MinIO) still works, and publishing stays safe because snapshots are content-addressed.
 */
export class S3Store implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3StoreOptions) {
    this.prefix = options.prefix ? options.prefix.replace(/^\/+/, '').replace(/\/*$/, '/') : '';
    if (this.prefix === '/') this.prefix = '';
    this.location = `s3://${options.bucket}/${this.prefix}`;
    this.client = new S3Client({
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? 4,
      // Only what S3 requires: S3-compatible servers differ in their support for the newer checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: new NodeHttpHandler({
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        connectionTimeout: options.connectionTimeoutMs ?? 5_000,
        // Without this the handler only logs a warning and the request hangs on a stalled server.
        throwOnRequestTimeout: true,
      }),
    });
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    let token: string | undefined;
    do {
      const page = await this.call(`list ${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.prefix + prefix, ContinuationToken: token })),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        yield {
          key: item.Key.slice(this.prefix.length),
          size: item.Size ?? 0,
          lastModified: item.LastModified ?? new Date(0),
          etag: unquote(item.ETag),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.prefix + key }));
      return { key, size: out.ContentLength ?? 0, lastModified: out.LastModified ?? new Date(0), etag: unquote(out.ETag) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.wrap(`head ${key}`, error);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<{ body: Buffer; object: StoredObject } | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.prefix + key }));
      const size = out.ContentLength ?? 0;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        // Stop the download instead of buffering an object we are going to refuse.
        (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw new ObjectTooLargeError(key, size, options.maxBytes);
      }
      const body = out.Body === undefined ? Buffer.alloc(0) : await readBody(out.Body as AsyncIterable<Uint8Array>, size);
      return { body, object: { key, size: body.length, lastModified: out.LastModified ?? new Date(0), etag: unquote(out.ETag) } };
    } catch (error) {
      const failure = this.readError(key, error);
      if (failure === undefined) return undefined;
      throw failure;
    }
  }

  async readInto(key: string, sinkFor: (object: StoredObject) => ByteSink): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.prefix + key }));
      const object = { key, size: out.ContentLength ?? 0, lastModified: out.LastModified ?? new Date(0), etag: unquote(out.ETag) };
      const sink = sinkFor(object);
      if (out.Body !== undefined) await pour(out.Body as AsyncIterable<Uint8Array>, sink);
      return object;
    } catch (error) {
      const failure = this.readError(key, error);
      if (failure === undefined) return undefined;
      throw failure;
    }
  }

  async put(key: string, body: Buffer, options: PutOptions = {}): Promise<StoredObject> {
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.prefix + key,
          Body: body,
          ContentType: options.contentType ?? 'application/octet-stream',
          ...(options.ifMatch !== undefined ? { IfMatch: `"${options.ifMatch}"` } : {}),
          ...(options.ifNoneMatch !== undefined ? { IfNoneMatch: options.ifNoneMatch } : {}),
          ...this.encryption(),
        }),
      );
      return { key, size: body.length, lastModified: new Date(), etag: unquote(out.ETag) };
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) {
        throw new PreconditionFailedError(`${this.location}${key}: the conditional write lost (someone else wrote it first)`, {
          cause: error,
        });
      }
      throw this.wrap(`put ${key}`, error);
    }
  }

  /**
   * One PUT for an object of at most a part; otherwise a multipart upload, its parts gathered from the
   * chunks a part at a time with a few in flight, so memory holds a few parts, not the object. A
   * failed upload is aborted when the role may (s3:AbortMultipartUpload); parts a crash or a refused
   * abort leaves behind go by the bucket's rule for incomplete uploads (deploy/aws: after 7 days).
   */
  async putChunks(key: string, chunks: Iterable<Uint8Array>, options: ChunkedPutOptions): Promise<void> {
    const partBytes = Math.max(MIN_PART_BYTES, this.options.partBytes ?? PART_BYTES);
    if (options.length <= partBytes) {
      const body = Buffer.concat([...chunks]);
      if (body.length !== options.length) throw lengthMismatch(key, body.length, options.length);
      await this.put(key, body, { ...options, skipEtag: true });
      return;
    }
    const target = { Bucket: this.options.bucket, Key: this.prefix + key };
    const { UploadId } = await this.call(`start the upload of ${key}`, () =>
      this.client.send(
        new CreateMultipartUploadCommand({
          ...target,
          ContentType: options.contentType ?? 'application/octet-stream',
          ...this.encryption(),
        }),
      ),
    );
    const parts: CompletedPart[] = [];
    const uploading: Promise<void>[] = [];
    const upload = (body: Buffer): Promise<void> => {
      const PartNumber = parts.length + 1;
      parts.push({ PartNumber });
      const sent = this.client
        .send(new UploadPartCommand({ ...target, UploadId, PartNumber, Body: body }))
        .then((out) => void (parts[PartNumber - 1] = { PartNumber, ETag: out.ETag }));
      // Awaited in order below; a later part failing first must not count as an unhandled rejection meanwhile.
      sent.catch(() => undefined);
      return sent;
    };
    try {
      let part = Buffer.allocUnsafeSlow(partBytes);
      let filled = 0;
      let written = 0;
      for (const chunk of chunks) {
        for (let at = 0; at < chunk.length;) {
          const n = Math.min(chunk.length - at, partBytes - filled);
          part.set(chunk.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled < partBytes) continue;
          uploading.push(upload(part));
          if (uploading.length >= PARTS_IN_FLIGHT) await uploading.shift();
          part = Buffer.allocUnsafeSlow(partBytes);
          filled = 0;
        }
        written += chunk.length;
      }
      if (filled > 0) uploading.push(upload(part.subarray(0, filled)));
      await Promise.all(uploading);
      if (written !== options.length) throw lengthMismatch(key, written, options.length);
      await this.client.send(new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      await Promise.allSettled(uploading);
      await this.client.send(new AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => undefined);
      throw error instanceof StoreError ? error : this.wrap(`multipart put ${key}`, error);
    }
  }

  async delete(key: string): Promise<void> {
    await this.call(`delete ${key}`, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.prefix + key })),
    );
  }

  /** What a GET's failure throws; undefined for a missing object, which is no failure. */
  private readError(key: string, error: unknown): StoreError | undefined {
    if (error instanceof StoreError) return error;
    if (isMissing(error)) return undefined;
    if (error instanceof S3ServiceException && UNREADABLE.has(error.name)) {
      return new ObjectUnreadableError(key, `S3 answered ${error.name}: ${error.message}`, { cause: error });
    }
    return this.wrap(`get ${key}`, error);
  }

  private encryption(): { ServerSideEncryption?: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string } {
    return {
      ...(this.options.sse ? { ServerSideEncryption: this.options.sse } : {}),
      ...(this.options.sse === 'aws:kms' && this.options.kmsKeyId ? { SSEKMSKeyId: this.options.kmsKeyId } : {}),
    };
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.wrap(what, error);
    }
  }

  private wrap(what: string, error: unknown): StoreError {
    const e = error as Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };
    const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
    const attempts = e.$metadata?.attempts ? ` after ${e.$metadata.attempts} attempts` : '';
    return new StoreError(`S3 ${what} in ${this.location} failed${attempts}: ${e.name}: ${e.message}${status}`, { cause: error });
  }
}

/**
 * Answers to a GET that say this object, and only it, cannot be read as it is: archived to a Glacier
 * class (the provider uploads it again, or someone restores it and uploads a copy). AccessDenied is
 * not one: a missing s3:GetObject or KMS grant denies every object alike, so it fails the run like
 * throttling, 5xx and timeouts do (plain StoreErrors, retried by the SDK and by the next run), and
 * the data waits for the policy to be fixed instead of being rejected.
 */
const UNREADABLE = new Set(['InvalidObjectState']);

/** S3's smallest part but the last. */
const MIN_PART_BYTES = 5 * 2 ** 20;
/** Parts of 16 MiB: a segment at a million movies is ~45 of them, far from S3's 10,000. */
const PART_BYTES = 16 * 2 ** 20;
/** Parts uploaded at once: one connection rarely fills the link, and four parts are little memory. */
const PARTS_IN_FLIGHT = 4;

/**
 * The body in one allocation of the length S3 announced, filled as it arrives (no list of chunks
 * concatenated at the end). A body longer or shorter than announced is returned as it came.
 */
async function readBody(stream: AsyncIterable<Uint8Array>, length: number): Promise<Buffer> {
  let body = Buffer.allocUnsafe(length);
  let at = 0;
  for await (const chunk of stream) {
    if (at + chunk.length > body.length) {
      const grown = Buffer.allocUnsafe(Math.max(at + chunk.length, 2 * body.length));
      body.copy(grown, 0, 0, at);
      body = grown;
    }
    body.set(chunk, at);
    at += chunk.length;
  }
  return at === body.length ? body : body.subarray(0, at);
}

/** The body's chunks copied where the sink says, as they arrive; the download stops when the sink wants no more. */
async function pour(stream: AsyncIterable<Uint8Array>, sink: ByteSink): Promise<void> {
  // Leaving the loop ends the iteration, which destroys the stream.
  for await (const chunk of stream) if (!pourChunk(chunk, sink)) return;
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
