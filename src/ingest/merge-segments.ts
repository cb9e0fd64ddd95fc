import type { Logger } from 'pino';
import { PublishConflictError, SnapshotError } from '../errors/errors.js';
import type { Retention } from '../snapshot/collect-garbage.js';
import type { Manifest, SegmentRef } from '../snapshot/manifest.js';
import type { MergePolicy } from '../snapshot/merge-policy.js';
import type { PublishedVersion, SnapshotRepository } from '../snapshot/repository.js';
import { mergedMovies } from '../snapshot/segment-movies.js';
import type { VersionPointer } from '../snapshot/snapshot.js';
import { publishVersion } from './publish-version.js';

export interface MergeOutcome {
  readonly kind: 'deltas' | 'base';
  readonly pointer: VersionPointer;
  /** Segments merged into one. */
  readonly segments: number;
}

/**
 * Carries out the merge policy (snapshot/merge-policy.ts) after a run published `current`: the
 * newest deltas merged into one, or every segment into a new base, published as the next version.
 * Serving processes keep the segments they hold and load only the merged one. A race lost to another
 * run is not an error: that run's own merge, or the next run's, will do it.
 */
export async function mergeSegments(
  repository: SnapshotRepository,
  current: PublishedVersion,
  manifest: Manifest,
  options: { readonly retention: Retention; readonly log: Logger; readonly mergePolicy: MergePolicy },
  now: () => Date,
): Promise<MergeOutcome | undefined> {
  const { retention, log } = options;
  const decision = options.mergePolicy(sizeOf(manifest.base), manifest.deltas.map(sizeOf));
  if (decision.kind === 'none') return undefined;
  const started = performance.now();
  const sequence = manifest.sequence + 1;
  const inputs = decision.kind === 'base' ? [manifest.base, ...manifest.deltas] : manifest.deltas.slice(decision.from);
  const merged = await mergedMovies(repository, inputs);
  let base = manifest.base;
  let deltas: SegmentRef[];
  if (decision.kind === 'base') {
    if (merged.movies.size !== manifest.movies) {
      throw new SnapshotError(`compaction found ${merged.movies.size} live movies where the manifest counts ${manifest.movies}`);
    }
    base = await repository.writeSegment(merged.movies, { kind: 'base', sequence, deletes: [] });
    deltas = [];
  } else {
    const delta = await repository.writeSegment(merged.movies, { kind: 'delta', sequence, deletes: merged.deletes });
    deltas = [...manifest.deltas.slice(0, decision.from), delta];
  }
  const next: Manifest = {
    ...manifest,
    sequence,
    previous: current.pointer.manifest,
    base,
    deltas,
    lastCompaction: { sequence, kind: decision.kind, segments: inputs.length, entries: inputs.reduce((n, s) => n + sizeOf(s).entries, 0) },
  };
  try {
    const published = await publishVersion(repository, current, manifest, next, retention, now(), log);
    log.info(
      { version: published.pointer.version, kind: decision.kind, segments: inputs.length, ms: Math.round(performance.now() - started) },
      decision.kind === 'base' ? 'segments compacted into a new base' : 'deltas merged',
    );
    return { kind: decision.kind, pointer: published.pointer, segments: inputs.length };
  } catch (error) {
    if (!(error instanceof PublishConflictError)) throw error;
    log.info({ kind: decision.kind }, 'another run published first; its merge or the next run will do this one');
    return undefined;
  }
}

function sizeOf(segment: SegmentRef): { entries: number } {
  return { entries: segment.movies + segment.deletes };
}
