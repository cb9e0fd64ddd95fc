import { unionOfLists, type DocSet } from './doc-set.js';
import { postingsOf, type IndexData, type Postings } from './index-data.js';
import { indexOfSorted } from './sorted.js';
import type { WordMatches } from './word-match.js';

/** The movies with a word `matches` matches, in the title and in a cast name. */
export function postingsSets(data: IndexData, matches: WordMatches): { title: DocSet; cast: DocSet } {
  const { words: w, size } = data;
  const titleLists: Int32Array[] = [];
  const castLists: Int32Array[] = [];
  const covered: [number, number][] = [];
  for (const node of matches.prefixNodes) {
    const lo = w.trie.wordLo[node] as number;
    const hi = w.trie.wordHi[node] as number;
    covered.push([lo, hi]);
    const precomputed = indexOfSorted(w.prefixes.nodes, node);
    if (precomputed >= 0) {
      titleLists.push(postingsOf(w.prefixes.title, precomputed));
      castLists.push(postingsOf(w.prefixes.cast, precomputed));
    } else {
      addRange(titleLists, w.title, lo, hi);
      addRange(castLists, w.cast, lo, hi);
    }
  }
  for (const id of matches.wholeIds) {
    if (covered.some(([lo, hi]) => id >= lo && id < hi)) continue;
    titleLists.push(postingsOf(w.title, id));
    castLists.push(postingsOf(w.cast, id));
  }
  return { title: unionOfLists(titleLists, size), cast: unionOfLists(castLists, size) };
}

function addRange(lists: Int32Array[], postings: Postings, lo: number, hi: number): void {
  for (let id = lo; id < hi; id++) lists.push(postingsOf(postings, id));
}
