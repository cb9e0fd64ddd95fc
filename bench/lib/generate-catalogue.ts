/**
 * Catalogues of a chosen size, in the seed's shape (one JSON array of movie records), for the scale
 * benchmark: `seed` and `2023` are the shared files themselves; a number N is N movies built from
 * the 2023 set, its originals first, then numbered variants of every title. Copy k ≥ 2 of a movie
 * is titled `<title> (k)` and keeps year, cast and genres only: extracts and thumbnails stay on the
 * originals, as in a large real catalogue where few movies have a long text.
 *
 * The file is written a chunk at a time, never whole in memory, and is the same bytes every run.
 *
 *   node dist/bench/lib/generate-catalogue.js <seed|2023|N> <out.json>
 */
import { copyFile, open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seed2023Path, seedPath } from '../../test/support/paths.js';
import { isMain } from './script.js';
import type { Parser } from './settings.js';

/** A movie record as the seed files state it. */
export interface SeedRecord {
  readonly title: string;
  readonly year: number;
  readonly cast: readonly string[];
  readonly genres: readonly string[];
  readonly [field: string]: unknown;
}

export type CatalogueSize = 'seed' | '2023' | number;

/** A size as BENCH_SCALE_SIZES, BENCH_ENGINE_LARGE and this script take it: `seed`, `2023` or a number of movies (`3_000_000`). */
export const catalogueSize: Parser<CatalogueSize> = {
  expected: 'seed, 2023 or a positive whole number of movies',
  parse(text) {
    const trimmed = text.trim();
    if (trimmed === 'seed' || trimmed === '2023') return trimmed;
    if (!/^[0-9][0-9_]*$/.test(trimmed)) return undefined;
    const n = Number(trimmed.replace(/_/g, ''));
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  },
};

export function sizeLabel(size: CatalogueSize): string {
  return size === 'seed' ? 'seed (movies.json)' : size === '2023' ? '2023 set' : `${size.toLocaleString('en')} (2023 set + variants)`;
}

export function readRecords(file: string): readonly SeedRecord[] {
  return JSON.parse(readFileSync(file, 'utf8')) as SeedRecord[];
}

/** Movie `i` of the numbered-variant catalogue over `base`: copy k = ⌊i ÷ |base|⌋ + 1 of base[i mod |base|]. */
export function variantAt(base: readonly SeedRecord[], i: number): SeedRecord {
  const original = base[i % base.length] as SeedRecord;
  const copy = Math.floor(i / base.length) + 1;
  if (copy === 1) return original;
  return { title: `${original.title} (${copy})`, year: original.year, cast: original.cast, genres: original.genres };
}

/** A catalogue's movies by position, without holding more than its base set. */
export interface CatalogueView {
  readonly count: number;
  at(i: number): SeedRecord;
}

export function catalogueView(size: CatalogueSize): CatalogueView {
  if (size === 'seed' || size === '2023') {
    const records = readRecords(size === 'seed' ? seedPath : seed2023Path);
    return { count: records.length, at: (i) => records[i] as SeedRecord };
  }
  const base = readRecords(seed2023Path);
  return { count: size, at: (i) => variantAt(base, i) };
}

/** Bytes gathered before each write: large enough that writes are few, small beside the catalogue. */
const CHUNK_CHARS = 1 << 20;

/** Writes the catalogue to `file`: a copy of the shared file for `seed` and `2023`, generated for a number. */
export async function writeCatalogue(size: CatalogueSize, file: string): Promise<void> {
  if (size === 'seed' || size === '2023') return copyFile(size === 'seed' ? seedPath : seed2023Path, file);
  const view = catalogueView(size);
  const handle = await open(file, 'w');
  try {
    let chunk = '[';
    for (let i = 0; i < view.count; i++) {
      chunk += `${i === 0 ? '' : ','}\n${JSON.stringify(view.at(i))}`;
      if (chunk.length >= CHUNK_CHARS) {
        await handle.write(chunk);
        chunk = '';
      }
    }
    await handle.write(`${chunk}\n]\n`);
  } finally {
    await handle.close();
  }
}

/** The catalogue file for a size: the shared file itself for `seed` and `2023`, else generated into `dir`. */
export async function catalogueFile(size: CatalogueSize, dir: string): Promise<string> {
  if (size === 'seed') return seedPath;
  if (size === '2023') return seed2023Path;
  const file = resolve(dir, `catalogue-${size}.json`);
  await writeCatalogue(size, file);
  return file;
}

if (isMain(import.meta.url)) {
  const [sizeText, out] = process.argv.slice(2);
  const size = sizeText === undefined ? undefined : catalogueSize.parse(sizeText);
  if (size === undefined || out === undefined) {
    console.error('usage: node dist/bench/lib/generate-catalogue.js <seed|2023|N> <out.json>');
    process.exit(2);
  }
  await writeCatalogue(size, resolve(out));
}
