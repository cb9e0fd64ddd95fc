import { words } from '../../catalogue/words.js';
import type { Postings, Ragged, StringTable } from '../index-data.js';
import { lookup, stringAt, tableSize } from '../string-table.js';
import { CountingSort } from './counting-sort.js';

/**
 * For each cast name (cast term id), its words' ids in the order they come (-1 for a word the
 * dictionary lacks): which words of a name sit side by side, for a query word read as two
 * (joins.ts), without reading the name's text at query time. Built from the finished tables, so a
 * segment written before it existed can derive it when loaded.
 */
export function castNameWords(castTerms: StringTable, dictionary: StringTable): Ragged<Int32Array> {
  const names = tableSize(castTerms);
  const offsets = new Uint32Array(names + 1);
  const values: number[] = [];
  for (let name = 0; name < names; name++) {
    for (const word of words(stringAt(castTerms, name))) values.push(lookup(dictionary, word));
    offsets[name + 1] = values.length;
  }
  return { offsets, values: Int32Array.from(values) };
}

/**
 * For each word of the dictionary, the cast names (cast term ids, ascending) that have it: what a
 * search within the cast facet's values reads (facet-search.ts) to go from the words a typed
 * fragment matches to the names. The transpose of castNameWords, each name once per word.
 */
export function castWordNames(nameWords: Ragged<Int32Array>, dictionarySize: number): Postings {
  const names = nameWords.offsets.length - 1;
  const pairWords: number[] = [];
  const pairNames: number[] = [];
  const counts = new Uint32Array(dictionarySize);
  for (let name = 0; name < names; name++) {
    const start = nameWords.offsets[name] as number;
    const end = nameWords.offsets[name + 1] as number;
    for (let i = start; i < end; i++) {
      const id = nameWords.values[i] as number;
      if (id < 0 || nameWords.values.subarray(start, i).includes(id)) continue;
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
