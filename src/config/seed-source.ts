import { fileURLToPath } from 'node:url';

/** Where the seed catalogue comes from when MOVIES_SEED does not say: the pinned upstream file and the package's copy of it. */
export const DEFAULT_SEED_URL =
  'https://raw.githubusercontent.com/prust/wikipedia-movie-data/641260773db3034d2626ad6fa23fe60c4f0fba08/movies.json';
/** The sha256 of that file, which is also the bundled copy's once decompressed. */
export const DEFAULT_SEED_SHA256 = 'f64b1974b0f3e65c54759beeee73c20cea50047d2a754595bace00a1332e6e9c';
/**
 * The copy of that file shipped in the package (assets/seed), found from this module's own place in
 * the installed package (dist/src/config/), not from the working directory: a first start needs
 * no network, wherever it runs from.
 */
export const BUNDLED_SEED_PATH = fileURLToPath(new URL('../../../assets/seed/movies.json.gz', import.meta.url));
/** `MOVIES_SEED=upstream`: download the pinned upstream file instead of reading the bundled copy. */
export const UPSTREAM_SEED = 'upstream';
