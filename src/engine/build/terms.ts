import type { TermTable } from '../index-data.js';
import { compareCodePoints } from '../string-table.js';
import { IntList, stringTable } from './buffers.js';
import { CountingSort } from './counting-sort.js';
import { RaggedBuilder } from './ragged.js';

/** A dictionary put in code point order: `newId` maps each term's id in order of first sight to its id in that order. */
export function sortTerms(names: readonly string[]): { newId: Uint32Array; sorted: string[] } {
  const order = Array.from({ length: names.length }, (_, i) => i).sort((a, b) => compareCodePoints(names[a] as string, names[b] as string));
  const newId = new Uint32Array(names.length);
  order.forEach((old, at) => (newId[old] = at));
  return { newId, sorted: order.map((old) => names[old] as string) };
}

/**
 * Terms numbered in order of first sight, and which movies have them: one (term, rank) pair per
 * movie and term, appended as ranks ascend, so each term's ranks come out ascending. The pairs are
 * kept in lists of their own, or in the movies' lists of terms when the build keeps those anyway
 * (each movie's cast, genres, cast words: the same pairs, held once instead of twice).
 */
export class TermCollector {
  private readonly lastRank: number[] = [];
  private readonly pairs: { readonly terms: IntList; readonly ranks: IntList } | RaggedBuilder;

  /**
   * `pairs`: a capacity for lists of its own, or the movies' lists each new pair is pushed to. Two
   * collectors may share a dictionary (words of titles and of cast names).
   */
  constructor(
    pairs: number | RaggedBuilder,
    readonly ids = new Map<string, number>(),
    readonly names: string[] = [],
  ) {
    this.pairs = typeof pairs === 'number' ? { terms: new IntList(pairs), ranks: new IntList(pairs) } : pairs;
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
    const { pairs } = this;
    if (pairs instanceof RaggedBuilder) pairs.push(id);
    else {
      pairs.terms.push(id);
      pairs.ranks.push(rank);
    }
    return true;
  }

  /**
   * The sorted dictionary and its postings; `newId` maps first-sight ids to sorted ids. A collector
   * sharing its dictionary with one already finished passes that one's `newId` rather than sort again.
   * When the pairs are in the movies' lists, those are finished after this.
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
    const counts = new Uint32Array(count);
    this.eachPair((term) => (counts[newId[term] as number] as number)++);
    const postings = new CountingSort(counts);
    this.eachPair((term, rank) => postings.place(newId[term] as number, rank));
    return { table: { terms: stringTable(sorted), postings: postings.postings() }, newId, sorted };
  }

  /** Every pair, as ranks ascend. */
  private eachPair(visit: (term: number, rank: number) => void): void {
    const { pairs } = this;
    if (pairs instanceof RaggedBuilder) pairs.forEach(visit);
    else for (let i = 0; i < pairs.terms.length; i++) visit(pairs.terms.values[i] as number, pairs.ranks.values[i] as number);
  }
}
