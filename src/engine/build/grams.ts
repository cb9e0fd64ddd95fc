import type { StringTable, TermTable } from '../index-data.js';
import { stringAt, tableSize } from '../string-table.js';
import { DENSE_GRAMS_FROM, MAX_GRAM } from '../limits.js';
import { IntList, stringTable } from './buffers.js';
import { CountingSort } from './counting-sort.js';
import { sortTerms } from './terms.js';

/**
 * Title n-grams, in two passes over the titles (count, then fill) rather than a list per gram: a
 * million titles give ~50 million gram occurrences. ASCII grams are numbered through a flat array.
 * The titles are read from their table, each decoded as it is read: the build keeps no string per movie.
 */
export function gramTable(normalised: StringTable): TermTable {
  const size = tableSize(normalised);
  // A flat array of every ASCII gram's id pays for its 8 MiB only on large catalogues.
  const dense = size >= DENSE_GRAMS_FROM ? new Int32Array(asciiGramKey('\x7f\x7f\x7f') + 1).fill(-1) : undefined;
  const sparse = new Map<number, number>();
  const other = new Map<string, number>();
  const grams: string[] = [];
  const idOf = (title: string, at: number, n: number): number => {
    const key = asciiKey(title, at, n);
    if (key >= 0) {
      let id = dense ? (dense[key] as number) : (sparse.get(key) ?? -1);
      if (id < 0) {
        id = grams.length;
        if (dense) dense[key] = id;
        else sparse.set(key, id);
        grams.push(title.slice(at, at + n));
      }
      return id;
    }
    const gram = title.slice(at, at + n);
    let id = other.get(gram);
    if (id === undefined) {
      id = grams.length;
      other.set(gram, id);
      grams.push(gram);
    }
    return id;
  };
  const lastRank = new IntList();
  const counts = new IntList();
  const each = (visit: (id: number, rank: number) => void): void => {
    for (let rank = 0; rank < size; rank++) {
      const title = stringAt(normalised, rank);
      for (let n = 1; n <= MAX_GRAM; n++) {
        for (let at = 0; at + n <= title.length; at++) {
          const id = idOf(title, at, n);
          while (lastRank.length <= id) {
            lastRank.push(-1);
            counts.push(0);
          }
          if (lastRank.values[id] === rank) continue;
          lastRank.values[id] = rank;
          visit(id, rank);
        }
      }
    }
  };
  each((id) => (counts.values[id] = (counts.values[id] as number) + 1));
  const { newId, sorted } = sortTerms(grams);
  const countsByNewId = new Uint32Array(grams.length);
  for (let old = 0; old < grams.length; old++) countsByNewId[newId[old] as number] = counts.values[old] as number;
  const postings = new CountingSort(countsByNewId);
  lastRank.values.fill(-1, 0, lastRank.length);
  each((id, rank) => postings.place(newId[id] as number, rank));
  return { terms: stringTable(sorted), postings: postings.postings() };
}

/** A number for an ASCII gram of 1 to 3 characters (MAX_GRAM; distinct per length), or -1. */
function asciiKey(text: string, at: number, n: number): number {
  let key = 0;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(at + k);
    if (c >= 128) return -1;
    key = key * 128 + c;
  }
  return n === 1 ? key : n === 2 ? 128 + key : 128 + 16384 + key;
}

function asciiGramKey(gram: string): number {
  return asciiKey(gram, 0, gram.length);
}
