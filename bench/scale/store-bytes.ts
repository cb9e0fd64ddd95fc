/**
 * What the store holds for the catalogue: the files under `<store>/catalogue/`, in bytes, grouped by
 * the first name under it (today `snapshots` and the pointer `current.json`; whatever a new format
 * adds shows up as its own kind without a change here).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface KindBytes {
  readonly bytes: number;
  readonly files: number;
}

export interface StoreBytes {
  readonly bytes: number;
  readonly files: number;
  /** By first path segment under catalogue/, sorted by name. */
  readonly byKind: ReadonlyMap<string, KindBytes>;
}

function walk(dir: string, visit: (file: string, bytes: number) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, visit);
    else if (entry.isFile()) visit(path, statSync(path).size);
  }
}

export function catalogueBytes(store: string): StoreBytes {
  const root = join(store, 'catalogue');
  const byKind = new Map<string, { bytes: number; files: number }>();
  walk(root, (file, bytes) => {
    const kind = file.slice(root.length + 1).split('/')[0] as string;
    const seen = byKind.get(kind) ?? { bytes: 0, files: 0 };
    seen.bytes += bytes;
    seen.files++;
    byKind.set(kind, seen);
  });
  const kinds = [...byKind].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    bytes: kinds.reduce((n, [, k]) => n + k.bytes, 0),
    files: kinds.reduce((n, [, k]) => n + k.files, 0),
    byKind: new Map(kinds),
  };
}
