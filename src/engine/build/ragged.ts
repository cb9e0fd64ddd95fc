import type { Ragged } from '../index-data.js';
import { IntList } from './buffers.js';

/** Per-movie lists of term ids, renumbered once the dictionary is sorted. */
export class RaggedBuilder {
  private readonly offsets: Uint32Array;
  private readonly values: IntList;

  constructor(size: number, capacity: number) {
    this.offsets = new Uint32Array(size + 1);
    this.values = new IntList(capacity);
  }

  push(id: number): void {
    this.values.push(id);
  }

  close(rank: number): void {
    this.offsets[rank + 1] = this.values.length;
  }

  /** Every (id, rank) pair pushed, as ranks ascend. */
  forEach(visit: (id: number, rank: number) => void): void {
    const { offsets } = this;
    const values = this.values.values;
    for (let rank = 0; rank + 1 < offsets.length; rank++) {
      for (let k = offsets[rank] as number; k < (offsets[rank + 1] as number); k++) visit(values[k] as number, rank);
    }
  }

  /** `sortEach`: order each movie's ids (sets, such as genres); otherwise keep the order they came in (title words). */
  finish(newId: Uint32Array, sortEach = false): Ragged<Uint32Array> {
    const values = new Uint32Array(this.values.length);
    for (let i = 0; i < values.length; i++) values[i] = newId[this.values.values[i] as number] as number;
    if (sortEach) {
      for (let r = 0; r + 1 < this.offsets.length; r++) values.subarray(this.offsets[r], this.offsets[r + 1]).sort();
    }
    return { offsets: this.offsets, values };
  }
}
