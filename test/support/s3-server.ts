import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
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
        requestTimeoutMs: 5000,
        ...options,
      }),
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
