interface Slot<V> {
  readonly key: string;
  value: V;
  bytes: number;
  /** Neighbours in recency order: `older` toward the least recently used end, `newer` toward the most. */
  older: Slot<V> | undefined;
  newer: Slot<V> | undefined;
}

/**
 * A least-recently-used map bounded by the total byte size of its values rather than their count:
 * answers range from a few hundred bytes to megabytes, so a count says nothing about memory.
 * Recency is a doubly linked list through the slots, so a hit is one Map lookup and a few pointer
 * moves. (Re-inserting the key into the Map on every hit, which keeps a Map's insertion order as the
 * recency order with no list of our own, costs a second hash, a delete and an insert per hit, and
 * leaves a deleted slot behind each time for V8 to compact: a measurable share of a cached answer.)
 */
export class ByteLru<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private oldest: Slot<V> | undefined;
  private newest: Slot<V> | undefined;
  private total = 0;
  private evicted = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.slots.size;
  }

  /** Entries dropped to make room, since creation. */
  get evictions(): number {
    return this.evicted;
  }

  /** The value, now the most recently used. */
  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (slot !== this.newest) {
      this.unlink(slot);
      this.append(slot);
    }
    return slot.value;
  }

  /** The value without counting it as a use. */
  peek(key: string): V | undefined {
    return this.slots.get(key)?.value;
  }

  /**
   * Stores `value` as the most recently used, evicting the least recently used until the total fits.
   * A value larger than the whole cache is refused (false) rather than emptying the cache for nothing;
   * any older value under the key is dropped either way, since the caller has just replaced it.
   */
  set(key: string, value: V, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    const slot: Slot<V> = { key, value, bytes, older: undefined, newer: undefined };
    this.slots.set(key, slot);
    this.append(slot);
    this.total += bytes;
    while (this.total > this.maxBytes && this.oldest !== undefined) {
      this.delete(this.oldest.key);
      this.evicted++;
    }
    return true;
  }

  /**
   * Puts `value` in place of the one under `key` (a representation swapped for a smaller one, off the
   * request's path) without counting a use: its bytes are recounted, and the least recently used evicted if
   * the total no longer fits. False when the key is not held, or the value no longer fits at all and is dropped.
   */
  replace(key: string, value: V, bytes: number): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    if (bytes > this.maxBytes) {
      this.delete(key);
      return false;
    }
    slot.value = value;
    this.total += bytes - slot.bytes;
    slot.bytes = bytes;
    while (this.total > this.maxBytes && this.oldest !== undefined) {
      this.delete(this.oldest.key);
      this.evicted++;
    }
    return this.slots.has(key);
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.unlink(slot);
    this.total -= slot.bytes;
    return true;
  }

  /** Keys from least to most recently used. */
  keys(): string[] {
    const out: string[] = [];
    for (let slot = this.oldest; slot !== undefined; slot = slot.newer) out.push(slot.key);
    return out;
  }

  private unlink(slot: Slot<V>): void {
    if (slot.older === undefined) this.oldest = slot.newer;
    else slot.older.newer = slot.newer;
    if (slot.newer === undefined) this.newest = slot.older;
    else slot.newer.older = slot.older;
    slot.older = slot.newer = undefined;
  }

  private append(slot: Slot<V>): void {
    slot.older = this.newest;
    if (this.newest === undefined) this.oldest = slot;
    else this.newest.newer = slot;
    this.newest = slot;
  }
}
