import type { Logger } from 'pino';
import { SnapshotError } from '../errors/errors.js';
import { manifestReferences } from './manifest.js';
import type { CurrentPointer, SnapshotRepository } from './repository.js';
import { isKept, planRetention, type ListedObject, type VersionRecord } from './retention.js';
import { CATALOGUE_PREFIX, type ObjectRef, type StoreStats } from './snapshot.js';

/** What the store keeps: see snapshot/retention.ts for the rules, docs/operations.md for the defaults. */
export interface Retention {
  /** Versions kept for rolling back, the current one included (MOVIES_KEEP_VERSIONS). */
  readonly keep: number;
  /** How long an unreferenced object, or a superseded version, outlives its use (MOVIES_GC_GRACE). */
  readonly graceMs: number;
}

/**
 * Deletes the catalogue objects no kept version references, as of `current`. Lists the catalogue
 * prefix, follows the manifests back from the current one as far as retention keeps them, and
 * deletes what planRetention allows. A manifest of the kept chain that cannot be read stops the
 * collection (nothing is deleted): never delete on a partial view. Before format 3 there is nothing
 * to follow: the objects of older formats are left to the first collection after conversion.
 */
export async function collectGarbage(
  repository: SnapshotRepository,
  current: CurrentPointer,
  retention: Retention,
  now: Date,
  log: Logger,
): Promise<StoreStats> {
  const listing = await listCatalogue(repository);
  const totals = totalsOf(listing);
  const { pointer } = current;
  if (pointer.format !== 'cinedex-pointer/3') return totals;
  const writtenAt = new Map(listing.map((o) => [o.key, o.lastModified]));
  const chain: VersionRecord[] = [];
  let ref: ObjectRef | undefined = pointer.manifest;
  try {
    while (ref !== undefined && isKept(chain, chain.length, now.getTime(), retention.keep, retention.graceMs)) {
      const manifest = await repository.readManifest(ref);
      chain.push({ manifestKey: ref.key, references: manifestReferences(manifest), writtenAt: writtenAt.get(ref.key) ?? now.getTime() });
      ref = manifest.previous ?? undefined;
    }
  } catch (error) {
    // A manifest retention still keeps is missing or damaged: the kept set is unknown, so nothing goes.
    if (!(error instanceof SnapshotError) || chain.length === 0) throw error;
    log.warn({ err: error, manifest: ref?.key }, 'garbage collection skipped: a kept version could not be read');
    return totals;
  }
  const plan = planRetention({
    currentSequence: pointer.sequence,
    chain,
    listing,
    now: now.getTime(),
    keep: retention.keep,
    graceMs: retention.graceMs,
  });
  let objects = 0;
  let bytes = 0;
  for (const object of plan.collect) {
    await repository.store.delete(object.key);
    objects++;
    bytes += object.size;
  }
  if (objects > 0) log.info({ objects, bytes, kept: plan.kept.length }, 'garbage collected');
  return { objects: plan.objects, bytes: plan.bytes, collected: { objects, bytes } };
}

async function listCatalogue(repository: SnapshotRepository): Promise<ListedObject[]> {
  const listing: ListedObject[] = [];
  for await (const object of repository.store.list(CATALOGUE_PREFIX, { skipEtag: true })) {
    listing.push({ key: object.key, size: object.size, lastModified: object.lastModified.getTime() });
  }
  return listing;
}

function totalsOf(listing: readonly ListedObject[]): StoreStats {
  return { objects: listing.length, bytes: listing.reduce((n, o) => n + o.size, 0), collected: { objects: 0, bytes: 0 } };
}

/** What the catalogue prefix holds, nothing collected: for a first version, which has nothing to collect. */
export async function storeTotals(repository: SnapshotRepository): Promise<StoreStats> {
  return totalsOf(await listCatalogue(repository));
}
