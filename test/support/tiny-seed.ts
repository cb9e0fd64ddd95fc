import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A seed file of two movies in a folder of its own, for tests of a real `cinedex serve` child where what is checked
 * is the process (its port, signals, drain), not the catalogue: it seeds and serves in well under a second.
 */
export function tinySeed(prefix: string): { readonly folder: string; readonly seed: string } {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const seed = join(folder, 'seed.json');
  writeFileSync(
    seed,
    JSON.stringify([
      { title: 'Alpha', year: 2001, cast: ['A. Actor'], genres: ['Drama'] },
      { title: 'Beta', year: 2002 },
    ]),
  );
  return { folder, seed };
}
