import type { Config } from '../config/config.js';
import { SnapshotRepository } from '../snapshot/repository.js';
import type { ObjectStore } from '../store/object-store.js';
import { openStore, type S3Settings } from '../store/open-store.js';

export interface CatalogueStores {
  readonly repository: SnapshotRepository;
  readonly inbox: ObjectStore;
}

/**
 * The two stores a cinedex command works on, as configured: the catalogue's own (behind its snapshot
 * repository) and the providers' inbox. Each is one object store opened from its location by
 * store/open-store.ts, with the configuration's S3 settings.
 */
export async function openCatalogueStores(config: Config): Promise<CatalogueStores> {
  const s3: S3Settings = {
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
    ...(config.s3Region ? { region: config.s3Region } : {}),
    ...(config.s3Sse ? { sse: config.s3Sse } : {}),
    ...(config.s3KmsKeyId ? { kmsKeyId: config.s3KmsKeyId } : {}),
  };
  const [store, inbox] = await Promise.all([openStore(config.store, s3), openStore(config.inbox, s3)]);
  return { repository: new SnapshotRepository(store), inbox };
}
