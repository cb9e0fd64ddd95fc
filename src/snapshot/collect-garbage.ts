import type { Logger } from 'pino';
import { SnapshotError } from '../errors/errors.js';
import { manifestReferences, type Manifest } from './manifest.js';
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

/** What collection needs of a version's manifest. */
interface VersionLink {
  readonly references: readonly string[];
  readonly previous: ObjectRef | undefined;
}

/** Collections a tenth of the grace period apart at least: an object waits at most that much longer to go. */
const SPACING_OF_GRACE = 10;

/**
 * What a process remembers of its last collection in a repository. When it was: runs a second apart
 * (a queue's notifications) would otherwise list the whole catalogue prefix each time, though
 * nothing can become collectable in a second of a grace period of minutes. And the links of the
 * versions it kept, by manifest key: a manifest never changes once written (its key is its content's
 * hash), so each is read once, not once per run for as long as the grace period keeps it (hundreds of
 * reads per run, at a run every second or two).
 */
const lastCollection = new WeakMap<SnapshotRepository, { readonly at: number; readonly links: Map<string, VersionLink> }>();

/**
 * Deletes the catalogue objects no kept version references, as of `current`. Lists the catalogue
 * prefix, follows the manifests back from the current one as far as retention keeps them, and
 * deletes what planRetention allows. A manifest of the kept chain that cannot be read stops the
 * collection (nothing is deleted): never delete on a partial view. Before format 3 there is nothing
 * to follow: the objects of older formats are left to the first collection after conversion.
 * `currentManifest`, when the caller has read it already, is not read again. Within a tenth of the
 * grace period of this process's last collection, nothing is listed or deleted, and the statistics
 * are those of that collection, as `current` carries them.
 */
export async function collectGarbage(
  repository: SnapshotRepository,
  current: CurrentPointer,
  retention: Retention,
  now: Date,
  log: Logger,
  currentManifest?: Manifest,
): Promise<StoreStats> {
  const { pointer } = current;
  const last = lastCollection.get(repository);
  if (currentManifest && pointer.format === 'cinedex-pointer/3') last?.links.set(pointer.manifest.key, linkOf(currentManifest));
  const since = last ? now.getTime() - last.at : Infinity;
  if (pointer.format === 'cinedex-pointer/3' && since >= 0 && since < retention.graceMs / SPACING_OF_GRACE) return pointer.store;
  const listing = await listCatalogue(repository);
  const totals = totalsOf(listing);
  if (pointer.format !== 'cinedex-pointer/3') return totals;
  const writtenAt = new Map(listing.map((o) => [o.key, o.lastModified]));
  const known = last?.links ?? new Map<string, VersionLink>();
  if (currentManifest) known.set(pointer.manifest.key, linkOf(currentManifest));
  const chain: VersionRecord[] = [];
  const links = new Map<string, VersionLink>();
  let ref: ObjectRef | undefined = pointer.manifest;
  try {
    while (ref !== undefined && isKept(chain, chain.length, now.getTime(), retention.keep, retention.graceMs)) {
      const link: VersionLink = known.get(ref.key) ?? linkOf(await repository.readManifest(ref));
      links.set(ref.key, link);
      chain.push({ manifestKey: ref.key, references: link.references, writtenAt: writtenAt.get(ref.key) ?? now.getTime() });
      ref = link.previous;
    }
  } catch (error) {
    // A manifest retention still keeps is missing or damaged: the kept set is unknown, so nothing goes.
    if (!(error instanceof SnapshotError) || chain.length === 0) throw error;
    log.warn({ err: error, manifest: ref?.key }, 'garbage collection skipped: a kept version could not be read');
    return totals;
  }
  // Only the kept versions are remembered: the next collection starts from one of them.
  lastCollection.set(repository, { at: now.getTime(), links });
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

function linkOf(manifest: Manifest): VersionLink {
  return { references: manifestReferences(manifest), previous: manifest.previous ?? undefined };
}

function totalsOf(listing: readonly ListedObject[]): StoreStats {
  return { objects: listing.length, bytes: listing.reduce((n, o) => n + o.size, 0), collected: { objects: 0, bytes: 0 } };
}

/** What the catalogue prefix holds, nothing collected: for a first version, which has nothing to collect. */
export async function storeTotals(repository: SnapshotRepository): Promise<StoreStats> {
  return totalsOf(await listCatalogue(repository));
}
