/**
 * A least-recently-used map bounded by the total byte size of its values rather than their count:
 * answers range from a few hundred bytes to megabytes, so a count says nothing about memory.
 * A Map iterates in insertion order, so re-inserting a key on use keeps the least recently used
 * first: eviction and touch are both O(1), with no linked list of our own to get wrong.
 */
export class ByteLru<V> {
  private readonly slots = new Map<string, { readonly value: V; readonly bytes: number }>();
  /**
   * A live iterator resting on the least recently used entry. Starting a fresh iterator for each
   * eviction would walk over every deleted slot at the front of the Map's table (V8 compacts it only
   * now and then): 5 µs per eviction at 16,000 entries. This one passes each slot once.
   */
  private oldest: IterableIterator<string> = this.slots.keys();
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
    this.slots.delete(key);
    this.slots.set(key, slot);
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
    this.slots.set(key, { value, bytes });
    this.total += bytes;
    while (this.total > this.maxBytes) {
      let next = this.oldest.next();
      // A finished iterator stays finished, even after later inserts: start again from the front.
      if (next.done === true) next = (this.oldest = this.slots.keys()).next();
      if (next.done === true) break;
      this.delete(next.value);
      this.evicted++;
    }
    return true;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.total -= slot.bytes;
    return true;
  }

  /** Keys from least to most recently used. */
  keys(): string[] {
    return [...this.slots.keys()];
  }
}
