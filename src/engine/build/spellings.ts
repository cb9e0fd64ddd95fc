import { compareCodePoints } from '../string-table.js';

/** How each term was spelled, to show its most common spelling (ties: the smaller in code point order). */
export class Spellings {
  private readonly first: string[] = [];
  private readonly seen: number[] = [];
  /** Most terms have one spelling: counts per spelling only for those that have more. */
  private readonly counts = new Map<number, Map<string, number>>();

  saw(id: number, spelling: string): void {
    const first = this.first[id];
    if (first === undefined) {
      this.first[id] = spelling;
      this.seen[id] = 1;
      return;
    }
    let counts = this.counts.get(id);
    if (counts === undefined) {
      if (spelling === first) {
        this.seen[id] = (this.seen[id] as number) + 1;
        return;
      }
      counts = new Map([[first, this.seen[id] as number]]);
      this.counts.set(id, counts);
    }
    counts.set(spelling, (counts.get(spelling) ?? 0) + 1);
  }

  /** Display names by sorted term id. */
  names(newId: Uint32Array): string[] {
    const out = new Array<string>(newId.length);
    for (let old = 0; old < newId.length; old++) {
      let best = this.first[old] as string;
      let bestCount = -1;
      for (const [spelling, count] of this.counts.get(old) ?? []) {
        if (count > bestCount || (count === bestCount && compareCodePoints(spelling, best) < 0)) {
          best = spelling;
          bestCount = count;
        }
      }
      out[newId[old] as number] = best;
    }
    return out;
  }
}
