import type { StringTable } from './index-data.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Strings encoded into one buffer (not one array each: a million small arrays are a lot for the GC to track). */
export function stringTable(strings: readonly string[]): StringTable {
  const offsets = new Uint32Array(strings.length + 1);
  let capacity = 16;
  for (const s of strings) capacity += s.length;
  let bytes = new Uint8Array(capacity + (capacity >> 3));
  let at = 0;
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i] as string;
    offsets[i] = at;
    // A UTF-16 unit takes at most 3 bytes of UTF-8.
    if (at + s.length * 3 > bytes.length) {
      const bigger = new Uint8Array(Math.max(bytes.length * 2, at + s.length * 3));
      bigger.set(bytes.subarray(0, at));
      bytes = bigger;
    }
    at += encoder.encodeInto(s, bytes.subarray(at)).written;
  }
  offsets[strings.length] = at;
  return { bytes: bytes.slice(0, at), offsets };
}

export function tableSize(table: StringTable): number {
  return table.offsets.length - 1;
}

/** The first code point of entry i, decoded from its UTF-8 bytes. */
export function firstCodePointAt(table: StringTable, i: number): number {
  const { bytes } = table;
  const at = table.offsets[i] as number;
  const b0 = bytes[at] as number;
  if (b0 < 0x80) return b0;
  if (b0 < 0xe0) return ((b0 & 0x1f) << 6) | ((bytes[at + 1] as number) & 0x3f);
  if (b0 < 0xf0) return ((b0 & 0x0f) << 12) | (((bytes[at + 1] as number) & 0x3f) << 6) | ((bytes[at + 2] as number) & 0x3f);
  return (
    ((b0 & 0x07) << 18) |
    (((bytes[at + 1] as number) & 0x3f) << 12) |
    (((bytes[at + 2] as number) & 0x3f) << 6) |
    ((bytes[at + 3] as number) & 0x3f)
  );
}

export function stringAt(table: StringTable, i: number): string {
  return decoder.decode(table.bytes.subarray(table.offsets[i], table.offsets[i + 1]));
}

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Compares entry i of the table with `key` by bytes: UTF-8 byte order is code point order. */
export function compareEntry(table: StringTable, i: number, key: Uint8Array): number {
  const { bytes } = table;
  const start = table.offsets[i] as number;
  const length = (table.offsets[i + 1] as number) - start;
  const n = Math.min(length, key.length);
  for (let k = 0; k < n; k++) {
    const d = (bytes[start + k] as number) - (key[k] as number);
    if (d !== 0) return d;
  }
  return length - key.length;
}

/** The id of `key` in a sorted table, or -1. */
export function lookup(table: StringTable, key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  let lo = 0;
  let hi = table.offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareEntry(table, mid, bytes);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/**
 * Code point order, the order of UTF-8 bytes: JavaScript's `<` compares UTF-16 units, which puts
 * characters above U+FFFF (surrogate pairs, D800–DFFF) before U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
      if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
      return x - y;
    }
  }
  return a.length - b.length;
}
