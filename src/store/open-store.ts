import { fileURLToPath } from 'node:url';
import { StoreError } from '../errors/errors.js';
import { FolderStore } from './folder-store.js';
import type { ObjectStore } from './object-store.js';
import type { S3StoreOptions } from './s3-store.js';

export type S3Settings = Omit<S3StoreOptions, 'bucket' | 'prefix'>;

/**
 * `s3://bucket/prefix` is S3 (or an S3-compatible endpoint); anything else is a local folder. The AWS
 * SDK is imported only for S3: loading it costs ~100 ms of a start that otherwise takes a few hundred.
 */
export async function openStore(location: string, s3: S3Settings = {}): Promise<ObjectStore> {
  if (location.startsWith('s3://')) {
    const rest = location.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
      throw new StoreError(`"${location}" does not name a valid S3 bucket (s3://bucket/prefix)`);
    const { S3Store } = await import('./s3-store.js');
    return new S3Store({ ...s3, bucket, prefix: slash === -1 ? '' : rest.slice(slash + 1) });
  }
  return new FolderStore(location.startsWith('file://') ? fileURLToPath(location) : location);
}
