import { words } from '../../catalogue/words.js';
import type { Postings, StringTable } from '../index-data.js';
import { lookup, stringAt, tableSize } from '../string-table.js';
import { CountingSort } from './counting-sort.js';

/**
 * For each word of the dictionary, the cast names (cast term ids, ascending) that have it: what a
 * search within the cast facet's values reads (facet-search.ts) to go from the words a typed
 * fragment matches to the names. Built from the finished tables, so a segment written before it
 * existed can derive it when loaded.
 */
export function castWordNames(castTerms: StringTable, dictionary: StringTable): Postings {
  const names = tableSize(castTerms);
  const pairWords: number[] = [];
  const pairNames: number[] = [];
  const counts = new Uint32Array(tableSize(dictionary));
  for (let name = 0; name < names; name++) {
    const seen = new Set<number>();
    for (const word of words(stringAt(castTerms, name))) {
      const id = lookup(dictionary, word);
      if (id < 0 || seen.has(id)) continue;
      seen.add(id);
      pairWords.push(id);
      pairNames.push(name);
      counts[id] = (counts[id] as number) + 1;
    }
  }
  // Names are visited in ascending order, so each word's list comes out ascending.
  const byWord = new CountingSort(counts);
  for (let i = 0; i < pairWords.length; i++) byWord.place(pairWords[i] as number, pairNames[i] as number);
  return byWord.postings();
}
