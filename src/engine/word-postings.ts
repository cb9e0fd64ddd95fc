import { unionOfLists, type DocSet } from './doc-set.js';
import { postingsOf, type IndexData, type Postings } from './index-data.js';
import { indexOfSorted } from './sorted.js';
import type { WordMatches } from './word-match.js';

/** The movies with a word `matches` matches, in the title and in a cast name. */
export function postingsSets(data: IndexData, matches: WordMatches): { title: DocSet; cast: DocSet } {
  return { title: fieldSet(data, matches, 'title'), cast: fieldSet(data, matches, 'cast') };
}

/** The movies with a word `matches` matches in one field. */
export function fieldSet(data: IndexData, matches: WordMatches, field: 'title' | 'cast'): DocSet {
  const { words: w, size } = data;
  const lists: Int32Array[] = [];
  const covered: [number, number][] = [];
  for (const node of matches.prefixNodes) {
    const lo = w.trie.wordLo[node] as number;
    const hi = w.trie.wordHi[node] as number;
    covered.push([lo, hi]);
    const precomputed = indexOfSorted(w.prefixes.nodes, node);
    if (precomputed >= 0) lists.push(postingsOf(w.prefixes[field], precomputed));
    else addRange(lists, w[field], lo, hi);
  }
  for (const id of matches.wholeIds) {
    if (covered.some(([lo, hi]) => id >= lo && id < hi)) continue;
    lists.push(postingsOf(w[field], id));
  }
  return unionOfLists(lists, size);
}

function addRange(lists: Int32Array[], postings: Postings, lo: number, hi: number): void {
  for (let id = lo; id < hi; id++) lists.push(postingsOf(postings, id));
}
