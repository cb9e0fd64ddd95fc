import type { Config } from '../config/config.js';
import { SnapshotRepository } from '../snapshot/repository.js';
import type { ObjectStore } from '../store/object-store.js';
import { openStore, type S3Settings } from '../store/open-store.js';

export interface Stores {
  readonly repository: SnapshotRepository;
  readonly inbox: ObjectStore;
}

/** The catalogue's own store and the providers' inbox, as configured. */
export async function openStores(config: Config): Promise<Stores> {
  const s3: S3Settings = {
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
    ...(config.s3Region ? { region: config.s3Region } : {}),
    ...(config.s3Sse ? { sse: config.s3Sse } : {}),
    ...(config.s3KmsKeyId ? { kmsKeyId: config.s3KmsKeyId } : {}),
  };
  const [store, inbox] = await Promise.all([openStore(config.store, s3), openStore(config.inbox, s3)]);
  return { repository: new SnapshotRepository(store), inbox };
}
