import { canEnter, deletionEntries, type DeletionEntries } from './deletion-entries.js';
import type { Trie } from './index-data.js';
import { ONE_TYPO_ENTRY_DEPTH } from './limits.js';
import { canLookUp, shortWords, type ShortWords } from './short-words.js';

/**
 * What a version derives from its trie so that a word with typos is looked up without walking the
 * trie from its root, whose top levels any typo keeps open: deletion entries for two typos (deep
 * nodes, ENTRY_DEPTH) and for one (ONE_TYPO_ENTRY_DEPTH), and the words too short for those
 * (short-words.ts). Derived on the version's first `q` (WordPlanner), not stored in the segment.
 */
export interface TypoLookups {
  /** By preference, the fewest typos first: a walk starts from the first that serves it (servingEntries). */
  readonly entries: readonly DeletionEntries[];
  /** The short words and starts of words, by preference: a lookup reads the first that serves it (shortFor). */
  readonly short: readonly ShortWords[];
}

export function typoLookups(trie: Trie): TypoLookups {
  return {
    entries: [deletionEntries(trie, ONE_TYPO_ENTRY_DEPTH, 1), deletionEntries(trie)],
    short: [shortWords(trie, ONE_TYPO_ENTRY_DEPTH + 1, true), shortWords(trie, ONE_TYPO_ENTRY_DEPTH + 1)],
  };
}

/** The entries a walk of `length` code points within `budget` typos starts from, or undefined: it walks from the root. */
export function servingEntries(lookups: TypoLookups | undefined, length: number, budget: number): DeletionEntries | undefined {
  if (lookups === undefined) return undefined;
  for (const entries of lookups.entries) if (canEnter(entries, length, budget)) return entries;
  return undefined;
}

/** The short words a query of `length` code points within `budget` typos is looked up among, or undefined: it is walked. */
export function shortFor(lookups: TypoLookups | undefined, length: number, budget: number, prefix: boolean): ShortWords | undefined {
  if (lookups === undefined) return undefined;
  for (const short of lookups.short) if (canLookUp(short, length, budget, prefix)) return short;
  return undefined;
}
