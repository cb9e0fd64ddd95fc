import { bitmap, bitmapMembers, setBit } from '../bits.js';
import type { Postings, PrefixPostings, Trie } from '../index-data.js';
import { BITMAP_FROM_ONE_IN, PREFIX_MAX_DEPTH, PREFIX_MIN_WORDS } from '../limits.js';
import { uniqueSorted } from '../sorted.js';

/** Unions of word postings for shallow trie nodes with many words below: what a 1- or 2-letter prefix matches. */
export function prefixPostings(trie: Trie, title: Postings, cast: Postings): PrefixPostings {
  const nodes: number[] = [];
  for (let node = 1; node < trie.label.length; node++) {
    if (
      (trie.depth[node] as number) <= PREFIX_MAX_DEPTH &&
      (trie.wordHi[node] as number) - (trie.wordLo[node] as number) >= PREFIX_MIN_WORDS
    )
      nodes.push(node);
  }
  const size = title.offsets.length > 0 ? maxRank(title, cast) + 1 : 0;
  // One bitmap reused for the large unions: a pass over the postings and one over the bits, no sort.
  const bits = bitmap(size);
  const union = (postings: Postings): Postings => {
    const lists = nodes.map((node) => {
      const words = postings.values.subarray(postings.offsets[trie.wordLo[node] as number], postings.offsets[trie.wordHi[node] as number]);
      if (words.length * BITMAP_FROM_ONE_IN < size) return uniqueSorted(Int32Array.from(words).sort());
      bits.fill(0);
      for (let i = 0; i < words.length; i++) setBit(bits, words[i] as number);
      // A rank is under several of the node's words: their number bounds the union's.
      return bitmapMembers(bits, words.length);
    });
    const offsets = new Uint32Array(nodes.length + 1);
    lists.forEach((list, i) => (offsets[i + 1] = (offsets[i] as number) + list.length));
    const values = new Int32Array(offsets[nodes.length] as number);
    lists.forEach((list, i) => values.set(list, offsets[i] as number));
    return { offsets, values };
  };
  return { nodes: Uint32Array.from(nodes), title: union(title), cast: union(cast) };
}

function maxRank(...postings: Postings[]): number {
  let max = -1;
  for (const p of postings) for (let i = 0; i < p.values.length; i++) if ((p.values[i] as number) > max) max = p.values[i] as number;
  return max;
}
