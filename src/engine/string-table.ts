import type { StringTable } from './index-data.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function stringTable(strings: readonly string[]): StringTable {
  const encoded = strings.map((s) => encoder.encode(s));
  const offsets = new Uint32Array(strings.length + 1);
  let total = 0;
  for (let i = 0; i < encoded.length; i++) {
    offsets[i] = total;
    total += (encoded[i] as Uint8Array).length;
  }
  offsets[strings.length] = total;
  const bytes = new Uint8Array(total);
  for (let i = 0; i < encoded.length; i++) bytes.set(encoded[i] as Uint8Array, offsets[i] as number);
  return { bytes, offsets };
}

export function tableSize(table: StringTable): number {
  return table.offsets.length - 1;
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
