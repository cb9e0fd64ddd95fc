import type { Logger } from 'pino';
import { collectGarbage, type Retention } from '../snapshot/collect-garbage.js';
import type { Manifest } from '../snapshot/manifest.js';
import type { CurrentPointer, PublishedVersion, SnapshotRepository } from '../snapshot/repository.js';

/**
 * Collects garbage as of the version being replaced, then publishes. Collecting first is safe even
 * when the publish then loses a race: the collector keeps everything the version it started from
 * (and the ones before it in retention) references, and never touches objects named by a later
 * sequence, which is where a racing run writes.
 */
export async function publishVersion(
  repository: SnapshotRepository,
  current: CurrentPointer,
  currentManifest: Manifest,
  next: Manifest,
  retention: Retention,
  now: Date,
  log: Logger,
): Promise<PublishedVersion> {
  const store = await collectGarbage(repository, current, retention, now, log, currentManifest);
  return repository.publish(next, current.etag, now, store);
}
