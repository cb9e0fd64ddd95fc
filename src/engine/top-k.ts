/** The `capacity` smallest (key, rank) pairs seen, as a max-heap so the worst is at hand. */
export class TopK {
  // Typed arrays: keys pass 2^30 (typos × 2^26), and a plain array changing element kind deoptimises its readers.
  private readonly keys: Float64Array;
  private readonly ranks: Int32Array;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ranks = new Int32Array(capacity);
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  get worstKey(): number {
    return this.keys[0] as number;
  }

  /** Would (key, rank) come before the worst kept pair? */
  beats(key: number, rank: number): boolean {
    const worst = this.keys[0] as number;
    return key < worst || (key === worst && rank < (this.ranks[0] as number));
  }

  offer(key: number, rank: number): void {
    if (!this.full) {
      this.keys[this.size] = key;
      this.ranks[this.size] = rank;
      this.up(this.size++);
    } else if (this.beats(key, rank)) {
      this.keys[0] = key;
      this.ranks[0] = rank;
      this.down(0);
    }
  }

  sorted(): [number, number][] {
    const pairs: [number, number][] = [];
    for (let i = 0; i < this.size; i++) pairs.push([this.keys[i] as number, this.ranks[i] as number]);
    return pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  private worse(i: number, j: number): boolean {
    const a = this.keys[i] as number;
    const b = this.keys[j] as number;
    return a > b || (a === b && (this.ranks[i] as number) > (this.ranks[j] as number));
  }

  private swap(i: number, j: number): void {
    const key = this.keys[i] as number;
    this.keys[i] = this.keys[j] as number;
    this.keys[j] = key;
    const rank = this.ranks[i] as number;
    this.ranks[i] = this.ranks[j] as number;
    this.ranks[j] = rank;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < n && this.worse(l, worst)) worst = l;
      if (r < n && this.worse(r, worst)) worst = r;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }
}
