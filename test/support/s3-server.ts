import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, open, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver, { type FilesystemStore } from 's3rver';
import S3Object from 's3rver/lib/models/object.js';
import { S3Store, type S3StoreOptions } from '../../src/store/s3-store.js';

export interface S3Server {
  readonly endpoint: string;
  readonly port: number;
  readonly bucket: string;
  store(prefix?: string, options?: Partial<S3StoreOptions>): S3Store;
  close(): Promise<void>;
}

export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A real S3-protocol server (s3rver) on an ephemeral loopback port, with one bucket. */
export async function startS3(bucket = 'cinedex-test'): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const staging = mkdtempSync(join(tmpdir(), 's3rver-staging-'));
  writeWhole(server.store, staging);
  const address = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    port: address.port,
    bucket,
    store: (prefix = '', options = {}) =>
      new S3Store({
        bucket,
        prefix,
        endpoint,
        region: 'us-east-1',
        credentials: S3_CREDENTIALS,
        maxAttempts: 2,
        // So that a stalled server fails a test rather than hanging it; far from a request's time. s3rver shares the
        // test's event loop and thread pool, and a whole write is a few more file operations than its own: at a load
        // average of 32 on two cores, a burst of a first publish's ~250 state-bucket PUTs went past 5 s.
        requestTimeoutMs: 30_000,
        ...options,
      }),
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
      rmSync(staging, { recursive: true, force: true });
    },
  };
}

/**
 * Makes s3rver's writes and reads whole, as S3's are. s3rver answers a PUT once the body has gone through its hash,
 * before its file write has finished, and it writes the object's file in place (truncated, then written): a GET after
 * the PUT's answer, or during it, could read an empty or half-written object, and a listing could show it. S3 never
 * shows a PUT before it is complete, and reads after it see it. So an object (and its metadata files) is written
 * under a staging folder beside the store (the same file system) and renamed into place once complete, and a read
 * takes its size and its bytes from one open file, so a rename during the read cannot mix two versions. The ETag
 * (s3rver's .md5 file, which it does not check writes against: it ignores If-Match) can still lag a concurrent
 * overwrite for a moment; nothing the tests check reads it against the body.
 */
function writeWhole(store: FilesystemStore, staging: string): void {
  const stagedPath = () => join(staging, randomUUID());
  const replace = async (path: string, bytes: string | Buffer) => {
    const staged = stagedPath();
    await writeFile(staged, bytes);
    await rename(staged, path);
  };
  store.putMetadata = async (bucket, key, metadata, md5) => {
    const kept = Object.fromEntries(
      Object.entries(metadata).filter(([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')),
    );
    if (md5) await replace(store.getResourcePath(bucket, key, 'object.md5'), md5);
    await replace(store.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(kept, null, 2));
  };
  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    const staged = stagedPath();
    const hash = createHash('md5');
    let size = 0;
    const content = object.content ?? Buffer.alloc(0);
    if (Buffer.isBuffer(content)) {
      hash.update(content);
      size = content.length;
      await writeFile(staged, content);
    } else {
      const measure = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(content, measure, createWriteStream(staged));
    }
    const md5 = hash.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    await rename(staged, path);
    return { size, md5 };
  };
  const rangedGet = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    // Ranged reads (none of the product's) keep s3rver's own path.
    if (options?.start !== undefined || options?.end !== undefined) return rangedGet(bucket, key, options);
    let handle: FileHandle;
    try {
      handle = await open(store.getResourcePath(bucket, key, 'object'), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const stat = await handle.stat();
      const metadata = {
        ...(await store.getMetadata(bucket, key)),
        'last-modified': stat.mtime.toUTCString(),
        'content-length': stat.size,
      };
      return new S3Object(bucket, key, handle.createReadStream(stat.size > 0 ? { start: 0, end: stat.size - 1 } : {}), metadata);
    } catch (error) {
      await handle.close();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
}
