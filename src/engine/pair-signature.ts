import type { IndexData, StringTable } from './index-data.js';
import type { WordMatches } from './word-match.js';

/**
 * The title signature (IndexData.titleSignature) by each title word's first two letters rather than
 * its first: one bit per word, from a hash of the word's first two UTF-8 bytes. A typed prefix of two
 * letters or more (`th`, `the fo`, `the br`) reads a few thousand titles whose words mostly start with
 * its first letter, all of which the first-letter signature lets through to be keyed; two letters tell
 * most of them apart. A bit set in a title's signature and not in the query's is a title word no word of
 * `q` can match, so its unmatched count is at least the number of such bits, as with the first letter.
 * Derived per version on the first query that ranks (a pass over the title words), not stored.
 */
export function titlePairSignatures(data: IndexData): Uint32Array {
  const known = derived.get(data);
  if (known !== undefined) return known;
  const { offsets, values } = data.titleWords;
  const words = data.words.words;
  const signatures = new Uint32Array(data.size);
  for (let rank = 0; rank < data.size; rank++) {
    let signature = 0;
    for (let p = offsets[rank] as number; p < (offsets[rank + 1] as number); p++) signature |= pairBit(words, values[p] as number);
    signatures[rank] = signature;
  }
  derived.set(data, signatures);
  return signatures;
}
const derived = new WeakMap<IndexData, Uint32Array>();

/** The bits of every word `m` matches: a prefix range whose words do not all share their first two bytes sets them all. */
export function matchesPairSignature(words: StringTable, m: WordMatches): number {
  let signature = 0;
  for (let i = 0; i < m.wholeIds.length; i++) signature |= pairBit(words, m.wholeIds[i] as number);
  for (let i = 0; i < m.prefixLo.length; i++) {
    // Words are sorted by their bytes: the first and last of a range sharing two bytes means every word between does.
    const first = pairKey(words, m.prefixLo[i] as number);
    const last = pairKey(words, (m.prefixHi[i] as number) - 1);
    signature |= first === last ? bitOf(first) : ~0;
  }
  return signature;
}

/** A word's first two bytes, or its one byte and a marker no second byte has. */
function pairKey({ bytes, offsets }: StringTable, id: number): number {
  const at = offsets[id] as number;
  const length = (offsets[id + 1] as number) - at;
  if (length === 0) return 0x10000;
  return ((bytes[at] as number) << 9) | (length > 1 ? (bytes[at + 1] as number) : 0x100);
}

function pairBit(words: StringTable, id: number): number {
  return bitOf(pairKey(words, id));
}

/** One of 32 bits, by a multiplicative hash's top five bits. */
function bitOf(key: number): number {
  return 1 << (Math.imul(key, 0x9e3779b1) >>> 27);
}
