import type { TermTable } from '../index-data.js';
import { compareCodePoints } from '../string-table.js';
import { IntList, stringTable } from './buffers.js';
import { CountingSort } from './counting-sort.js';

/** A dictionary put in code point order: `newId` maps each term's id in order of first sight to its id in that order. */
export function sortTerms(names: readonly string[]): { newId: Uint32Array; sorted: string[] } {
  const order = Array.from({ length: names.length }, (_, i) => i).sort((a, b) => compareCodePoints(names[a] as string, names[b] as string));
  const newId = new Uint32Array(names.length);
  order.forEach((old, at) => (newId[old] = at));
  return { newId, sorted: order.map((old) => names[old] as string) };
}

/**
 * Terms numbered in order of first sight, and which movies have them: one (term, rank) pair per
 * movie and term, appended as ranks ascend, so each term's ranks come out ascending.
 */
export class TermCollector {
  private readonly lastRank: number[] = [];
  private readonly pairTerms: IntList;
  private readonly pairRanks: IntList;

  /** Two collectors may share a dictionary (words of titles and of cast names). */
  constructor(
    capacity: number,
    readonly ids = new Map<string, number>(),
    readonly names: string[] = [],
  ) {
    this.pairTerms = new IntList(capacity);
    this.pairRanks = new IntList(capacity);
  }

  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(term, id);
      this.names.push(term);
    }
    return id;
  }

  /** Records that movie `rank` has term `id`; false when it already had. */
  add(id: number, rank: number): boolean {
    if (this.lastRank[id] === rank) return false;
    this.lastRank[id] = rank;
    this.pairTerms.push(id);
    this.pairRanks.push(rank);
    return true;
  }

  /**
   * The sorted dictionary and its postings; `newId` maps first-sight ids to sorted ids. A collector
   * sharing its dictionary with one already finished passes that one's `newId` rather than sort again.
   */
  finish(sharedOrder?: Uint32Array): { table: TermTable; newId: Uint32Array; sorted: string[] } {
    const count = this.names.length;
    let newId: Uint32Array;
    let sorted: string[];
    if (sharedOrder === undefined || sharedOrder.length !== count) ({ newId, sorted } = sortTerms(this.names));
    else {
      newId = sharedOrder;
      sorted = new Array<string>(count);
      for (let old = 0; old < count; old++) sorted[newId[old] as number] = this.names[old] as string;
    }
    const { pairTerms, pairRanks } = this;
    const counts = new Uint32Array(count);
    for (let i = 0; i < pairTerms.length; i++) {
      const t = newId[pairTerms.values[i] as number] as number;
      counts[t] = (counts[t] as number) + 1;
    }
    const postings = new CountingSort(counts);
    for (let i = 0; i < pairTerms.length; i++)
      postings.place(newId[pairTerms.values[i] as number] as number, pairRanks.values[i] as number);
    return { table: { terms: stringTable(sorted), postings: postings.postings() }, newId, sorted };
  }
}
