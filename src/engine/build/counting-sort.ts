import type { Postings } from '../index-data.js';

/**
 * Posting lists filled by a counting sort: each term's slots reserved from its count, then every
 * (term, rank) pair placed at its term's next free slot, so pairs placed as ranks ascend leave each
 * list ascending. No array per term: a million movies would make millions of small arrays.
 */
export class CountingSort {
  private readonly offsets: Uint32Array;
  private readonly next: Uint32Array;
  private readonly values: Int32Array;

  /** `counts[t]`: how many pairs term t will have placed. */
  constructor(counts: ArrayLike<number>) {
    const terms = counts.length;
    this.offsets = new Uint32Array(terms + 1);
    for (let t = 0; t < terms; t++) this.offsets[t + 1] = (this.offsets[t] as number) + (counts[t] as number);
    this.next = this.offsets.slice(0, terms);
    this.values = new Int32Array(this.offsets[terms] as number);
  }

  place(term: number, rank: number): void {
    this.values[(this.next[term] as number)++] = rank;
  }

  postings(): Postings {
    return { offsets: this.offsets, values: this.values };
  }
}
