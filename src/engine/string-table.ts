/**
 * Reading a StringTable (index-data.ts): entries decoded, compared and looked up by their UTF-8
 * bytes, in place. The build writes tables (build/buffers.ts).
 */
import type { StringTable } from './index-data.js';
import { findSorted } from './sorted.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

/** The code points of entry i, decoded from its UTF-8 bytes in place: for words read one by one, where TextDecoder costs most. */
export function codePointsAt(table: StringTable, i: number): number[] {
  const { bytes } = table;
  const out: number[] = [];
  for (let at = table.offsets[i] as number, end = table.offsets[i + 1] as number; at < end;) {
    const b0 = bytes[at] as number;
    const more = b0 < 0x80 ? 0 : b0 < 0xe0 ? 1 : b0 < 0xf0 ? 2 : 3;
    let c = more === 0 ? b0 : b0 & (0x3f >> more);
    for (let k = 1; k <= more; k++) c = (c << 6) | ((bytes[at + k] as number) & 0x3f);
    out.push(c);
    at += more + 1;
  }
  return out;
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

/** Compares entries i and j of the table by bytes, as compareEntry does with a key. */
export function compareEntries(table: StringTable, i: number, j: number): number {
  const { bytes, offsets } = table;
  const a = offsets[i] as number;
  const b = offsets[j] as number;
  const aLength = (offsets[i + 1] as number) - a;
  const bLength = (offsets[j + 1] as number) - b;
  const n = Math.min(aLength, bLength);
  for (let k = 0; k < n; k++) {
    const d = (bytes[a + k] as number) - (bytes[b + k] as number);
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

/**
 * Non-ASCII keys looked up lately, as bytes: a version of several segments looks the same terms up
 * in each, and encoding costs more than the search. Two generations, so that a working set larger
 * than one does not empty the cache all at once: a key used in the last two generations stays.
 */
let recentKeys = new Map<string, Uint8Array>();
let olderKeys = new Map<string, Uint8Array>();
const RECENT_KEYS = 1024;

/** The id of `key` in a sorted table, or -1. */
export function lookup(table: StringTable, key: string | Uint8Array): number {
  if (typeof key === 'string' && isAscii(key)) return findSorted(0, tableSize(table), (i) => compareEntryAscii(table, i, key));
  const bytes = typeof key === 'string' ? keyBytes(key) : key;
  return findSorted(0, tableSize(table), (i) => compareEntry(table, i, bytes));
}

/** Most keys (normalised words, genres, n-grams) are ASCII, whose UTF-8 bytes are their UTF-16 units: no encoding needed. */
function isAscii(key: string): boolean {
  for (let k = 0; k < key.length; k++) if (key.charCodeAt(k) > 0x7f) return false;
  return true;
}

/** compareEntry for an ASCII key, read as it is. */
function compareEntryAscii(table: StringTable, i: number, key: string): number {
  const { bytes } = table;
  const start = table.offsets[i] as number;
  const length = (table.offsets[i + 1] as number) - start;
  const n = Math.min(length, key.length);
  for (let k = 0; k < n; k++) {
    const d = (bytes[start + k] as number) - key.charCodeAt(k);
    if (d !== 0) return d;
  }
  return length - key.length;
}

function keyBytes(key: string): Uint8Array {
  let bytes = recentKeys.get(key);
  if (bytes === undefined) {
    bytes = olderKeys.get(key) ?? encoder.encode(key);
    if (recentKeys.size >= RECENT_KEYS) {
      olderKeys = recentKeys;
      recentKeys = new Map();
    }
    recentKeys.set(key, bytes);
  }
  return bytes;
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
