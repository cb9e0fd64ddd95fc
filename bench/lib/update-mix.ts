/**
 * What a provider's update file looks like in the benchmarks: mostly partial updates of movies the
 * catalogue has, some new movies, a few deletions. Pure and deterministic: the same arguments give
 * the same records.
 */
import type { CatalogueView } from './generate-catalogue.js';

/** Of every 50 records: this many new movies and this many deletions; the rest are partial updates. */
const NEW_PER_50 = 5;
const DELETED_PER_50 = 1;

/** The mix in words, for the reports. */
export const MIX_IN_WORDS = `${100 - 2 * (NEW_PER_50 + DELETED_PER_50)}% partial updates of existing movies, ${2 * NEW_PER_50}% new movies, ${2 * DELETED_PER_50}% deletions`;

export type UpdateRecord =
  | { readonly title: string; readonly year: number; readonly deleted: true }
  | { readonly title: string; readonly year: number; readonly genres?: readonly string[]; readonly cast?: readonly string[] };

/**
 * `count` records over `catalogue`. The movies touched are spread evenly over the catalogue, so a
 * file touches old and new titles alike; `round` shifts them and names the new movies, so each
 * round's file is its own change.
 */
export function updateRecords(catalogue: CatalogueView, count: number, round = 1): UpdateRecord[] {
  const records: UpdateRecord[] = [];
  const stride = Math.max(1, Math.floor(catalogue.count / Math.max(1, count)));
  for (let i = 0; i < count; i++) {
    const slot = i % 50;
    if (slot < NEW_PER_50) {
      records.push({
        title: `Scale Bench Premiere ${round}-${i}`,
        year: 2000 + (i % 25),
        cast: [`Bench Actor ${i % 5000}`],
        genres: ['Drama'],
      });
      continue;
    }
    const movie = catalogue.at((i * stride + round * 7919) % catalogue.count);
    if (slot < NEW_PER_50 + DELETED_PER_50) records.push({ title: movie.title, year: movie.year, deleted: true });
    else if (i % 2 === 0) records.push({ title: movie.title, year: movie.year, genres: [...movie.genres, `Tag ${round}-${i % 7}`] });
    else records.push({ title: movie.title, year: movie.year, cast: [...movie.cast, `Bench Actor ${i % 5000}`] });
  }
  return records;
}

/** Update records per file, so that no file nears the inbox's object size limit. */
export const RECORDS_PER_FILE = 100_000;

/** `count` records cut into files of `perFile`, each file's records as its JSON text. */
export function updateFiles(catalogue: CatalogueView, count: number, round = 1, perFile = RECORDS_PER_FILE): string[] {
  const records = updateRecords(catalogue, count, round);
  const files: string[] = [];
  for (let at = 0; at < records.length; at += perFile) files.push(JSON.stringify(records.slice(at, at + perFile)));
  return files;
}
