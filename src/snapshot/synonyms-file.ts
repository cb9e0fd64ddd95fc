import { words } from '../catalogue/words.js';
import { MAX_SYNONYM_ENTRIES, MAX_SYNONYM_PHRASES, MAX_SYNONYM_WORDS, MAX_SYNONYMS_BYTES } from '../engine/limits.js';
import type { SynonymEntry } from '../engine/synonyms.js';
import { SynonymsFileError } from '../errors/errors.js';
import type { ObjectRef } from './snapshot.js';

/**
 * The operator's synonyms file (docs/api.md, "Synonyms"): a JSON array of entries, each
 * `{ "synonyms": [phrase, …] }` (multi-way, two phrases or more) or `{ "root": phrase, "synonyms":
 * [phrase, …] }` (one-way). The operator writes it at MOVIES_SYNONYMS_KEY in the catalogue's store;
 * an ingestion run that finds its ETag changed validates it and writes its bytes into the version,
 * as an immutable object under SYNONYMS_PREFIX that the manifest names (synonyms-run in ingest).
 */
export const SYNONYMS_PREFIX = 'catalogue/synonyms/';

/** The file's limit in bytes, for the reader that fetches it (ingest sits beside the engine, not above it). */
export { MAX_SYNONYMS_BYTES };

/** The synonyms a manifest names: the object written into the version, and the operator's file it came from. */
export interface SynonymsRef extends ObjectRef {
  /** The operator's file and its ETag when read: a run reads it again only when that changes. */
  readonly source: { readonly key: string; readonly etag: string };
  readonly entries: number;
}

/** The entries of a synonyms file; SynonymsFileError names what is wrong, and the entry (from 0) where. */
export function parseSynonymsFile(bytes: Uint8Array): SynonymEntry[] {
  if (bytes.length > MAX_SYNONYMS_BYTES) throw new SynonymsFileError(`the file is ${bytes.length} bytes, more than ${MAX_SYNONYMS_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SynonymsFileError(`not JSON: ${(error as Error).message}`, undefined, { cause: error });
  }
  if (!Array.isArray(json)) throw new SynonymsFileError('the file must be a JSON array of entries');
  if (json.length > MAX_SYNONYM_ENTRIES) throw new SynonymsFileError(`${json.length} entries, more than ${MAX_SYNONYM_ENTRIES}`);
  return json.map((entry: unknown, i) => parseEntry(entry, i));
}

function parseEntry(entry: unknown, i: number): SynonymEntry {
  const fail = (what: string) => new SynonymsFileError(`entry ${i}: ${what}`, i);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw fail('must be an object');
  const { root, synonyms, ...rest } = entry as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw fail(`unknown field ${JSON.stringify(unknown[0])} (only "root" and "synonyms")`);
  if (!Array.isArray(synonyms)) throw fail('"synonyms" must be an array of phrases');
  const least = root === undefined ? 2 : 1;
  if (synonyms.length < least) throw fail(root === undefined ? 'a multi-way entry needs two phrases or more' : '"synonyms" is empty');
  if (synonyms.length > MAX_SYNONYM_PHRASES) throw fail(`${synonyms.length} phrases, more than ${MAX_SYNONYM_PHRASES}`);
  const phrase = (value: unknown, where: string): string => {
    if (typeof value !== 'string') throw fail(`${where} must be a string`);
    const n = words(value).length;
    if (n === 0) throw fail(`${where} ${JSON.stringify(value)} has no word (letters or digits)`);
    if (n > MAX_SYNONYM_WORDS) throw fail(`${where} has ${n} words, more than ${MAX_SYNONYM_WORDS}`);
    return value;
  };
  const phrases = synonyms.map((value, k) => phrase(value, `synonyms[${k}]`));
  return root === undefined ? { synonyms: phrases } : { root: phrase(root, '"root"'), synonyms: phrases };
}
