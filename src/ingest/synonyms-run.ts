import type { Logger } from 'pino';
import { ObjectTooLargeError, SynonymsFileError } from '../errors/errors.js';
import type { SnapshotRepository } from '../snapshot/repository.js';
import { MAX_SYNONYMS_BYTES, parseSynonymsFile, type SynonymsRef } from '../snapshot/synonyms-file.js';

/** Where the operator's synonyms file is read from when no setting says (MOVIES_SYNONYMS_KEY). */
export const DEFAULT_SYNONYMS_KEY = 'config/synonyms.json';

/**
 * What a run does with the operator's synonyms file: nothing when its ETag is the one the version
 * was published with (or it is absent and the version has none); publish it with the version when
 * it changed and is valid, or drop the synonyms when the file is gone; keep the version's synonyms
 * and report the reason when it is not valid.
 */
export type SynonymsUpdate =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'changed'; readonly write: ((sequence: number) => Promise<SynonymsRef>) | null; readonly entries: number }
  | { readonly kind: 'rejected'; readonly key: string; readonly etag: string; readonly reason: string; readonly entry?: number };

/** The run's outcome for the synonyms file, as the run reports it. */
export type SynonymsOutcome =
  | { readonly status: 'applied'; readonly key: string | null; readonly entries: number }
  | { readonly status: 'rejected'; readonly key: string; readonly reason: string };

export async function readSynonymsUpdate(
  repository: SnapshotRepository,
  key: string,
  current: SynonymsRef | null | undefined,
  log: Logger,
): Promise<SynonymsUpdate> {
  const found = await repository.store.head(key);
  if (found === undefined) return current ? { kind: 'changed', write: null, entries: 0 } : { kind: 'unchanged' };
  if (current && current.source.key === key && current.source.etag === found.etag) return { kind: 'unchanged' };
  const rejected = (reason: string, entry?: number): SynonymsUpdate => {
    log.warn({ object: key, etag: found.etag, reason, entry }, 'synonyms file rejected; the version keeps its synonyms');
    return { kind: 'rejected', key, etag: found.etag, reason, ...(entry === undefined ? {} : { entry }) };
  };
  let read;
  try {
    read = await repository.store.get(key, { maxBytes: MAX_SYNONYMS_BYTES });
  } catch (error) {
    if (error instanceof ObjectTooLargeError) return rejected(`the file is ${error.size} bytes, more than ${MAX_SYNONYMS_BYTES}`);
    throw error;
  }
  // Removed between the listing and the read: as if it had not been there.
  if (read === undefined) return current ? { kind: 'changed', write: null, entries: 0 } : { kind: 'unchanged' };
  try {
    const entries = parseSynonymsFile(read.body);
    const source = { key, etag: read.object.etag || found.etag };
    return {
      kind: 'changed',
      entries: entries.length,
      write: (sequence) => repository.writeSynonyms(sequence, read.body, source, entries.length),
    };
  } catch (error) {
    if (error instanceof SynonymsFileError) return rejected(error.message, error.entry);
    throw error;
  }
}

/** What the run reports of an update. */
export function synonymsOutcome(update: SynonymsUpdate, written: SynonymsRef | null | undefined): SynonymsOutcome | undefined {
  if (update.kind === 'rejected') return { status: 'rejected', key: update.key, reason: update.reason };
  if (update.kind === 'changed') return { status: 'applied', key: written?.key ?? null, entries: update.entries };
  return undefined;
}
