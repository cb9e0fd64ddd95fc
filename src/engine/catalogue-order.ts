import type { SegmentIndex } from './segment-index.js';
import type { StringTable } from './index-data.js';
import { stringAt } from './string-table.js';

/**
 * The catalogue order of two movies of any segments (build-index sorts a segment by it:
 * catalogue/movie.ts, compareMovies), read off their bytes: no string is decoded.
 */
export function catalogueOrder(a: SegmentIndex, i: number, b: SegmentIndex, j: number): number {
  const da = a.data;
  const db = b.data;
  const years = (db.years[j] as number) - (da.years[i] as number);
  if (years !== 0) return years;
  const titles = compareUtf16(da.titles, i, db.titles, j);
  if (titles !== 0) return titles;
  return (da.idHigh[i] as number) - (db.idHigh[j] as number) || (da.idLow[i] as number) - (db.idLow[j] as number);
}

/**
 * Two titles in UTF-16 code unit order (the catalogue order's), read off their UTF-8 bytes: byte
 * order is code point order, which differs from UTF-16's only between U+E000–U+FFFF and the
 * characters above U+FFFF (lead bytes 0xEE–0xEF against 0xF0–0xF4). Only then are they decoded.
 */
function compareUtf16(a: StringTable, i: number, b: StringTable, j: number): number {
  const aStart = a.offsets[i] as number;
  const aLength = (a.offsets[i + 1] as number) - aStart;
  const bStart = b.offsets[j] as number;
  const bLength = (b.offsets[j + 1] as number) - bStart;
  const n = Math.min(aLength, bLength);
  for (let k = 0; k < n; k++) {
    const x = a.bytes[aStart + k] as number;
    const y = b.bytes[bStart + k] as number;
    if (x === y) continue;
    if (x >= 0xee && y >= 0xee) {
      const ta = stringAt(a, i);
      const tb = stringAt(b, j);
      return ta < tb ? -1 : ta > tb ? 1 : 0;
    }
    return x - y;
  }
  return aLength - bLength;
}
