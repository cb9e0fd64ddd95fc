/**
 * Bitmaps over ranks or word ids, 32 to a Uint32Array word: what a dense set is, once a list of its
 * members would take more room (limits.ts, BITMAP_FROM_ONE_IN) or a test must take one load.
 */

/** A bitmap with room for members 0 to size - 1 (one spare word keeps `size` itself in range). */
export function bitmap(size: number): Uint32Array {
  return new Uint32Array((size >>> 5) + 1);
}

export function setBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] = (bits[i >>> 5] as number) | (1 << (i & 31));
}

export function clearBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] = (bits[i >>> 5] as number) & ~(1 << (i & 31));
}

/** Sets (or clears) bits lo to hi - 1: bit by bit up to a word boundary, then whole words. */
export function fillBits(bits: Uint32Array, lo: number, hi: number, on = true): void {
  const one = on ? setBit : clearBit;
  let i = lo;
  for (; i < hi && (i & 31) !== 0; i++) one(bits, i);
  for (; i + 32 <= hi; i += 32) bits[i >>> 5] = on ? ~0 : 0;
  for (; i < hi; i++) one(bits, i);
}

export function hasBit(bits: Uint32Array, i: number): boolean {
  return ((bits[i >>> 5] as number) & (1 << (i & 31))) !== 0;
}

/** The bits set in a 32-bit integer (SWAR: no loop over the bits). */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function countBits(bits: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < bits.length; w++) n += popcount(bits[w] as number);
  return n;
}

/**
 * The members, ascending, a word at a time, lowest bit first: the loop of broad queries and of the
 * prefix unions at ingestion, so no cursor. `capacity` is at least their number (exact when known).
 */
export function bitmapMembers(bits: Uint32Array, capacity: number): Int32Array {
  const out = new Int32Array(capacity);
  let n = 0;
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w] as number;
    while (word !== 0) {
      const low = word & -word;
      out[n++] = (w << 5) | (31 - Math.clz32(low));
      word ^= low;
    }
  }
  return n === capacity ? out : out.subarray(0, n);
}
