/**
 * Where the capacity scenario finds the compiled CLI, the load generator's script and the repository.
 * Servers and the generator are separate processes started from compiled JavaScript, so these point into
 * dist/ whether this module runs from dist/bench/capacity (`npm run bench:capacity`) or from source.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The compiled tree (dist/), holding src/ and bench/ as JavaScript. */
const distRoot = resolve(here, '../..');

export const repoRoot = resolve(distRoot, here.includes('/dist/') ? '..' : '.');
export const cliScript = join(distRoot, 'src/cli/main.js');
/** bench/open-loop.ts compiled: run with `--worker`, it takes runs from its parent over IPC. */
export const generatorScript = join(distRoot, 'bench/open-loop.js');
