/**
 * The startup snapshot (`npm run build`, after scripts/bundle.ts; the Dockerfile runs it in the image as
 * the user its pods run as): Node runs the bundle's `snapshot-entry.cjs` once and writes the heap it
 * leaves to dist/bundle/snapshot/cinedex.blob, which scripts/cinedex.sh starts `cinedex` from. A blob is
 * only good for the very Node binary that made it (Node refuses another version's and exits 14), so
 * beside it `cinedex.blob.node` names that binary and the entry the blob was made from; the launcher
 * compares both before using the blob (docs/operations.md, "The startup snapshot").
 *
 * Only Node's own modules: the image runs this without the rest of dist/scripts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const entry = `${root}dist/bundle/cli/snapshot-entry.cjs`;
const folder = `${root}dist/bundle/snapshot`;
const blob = `${folder}/cinedex.blob`;
const stamp = `${blob}.node`;

// A failed build must not leave the blob of an older one behind a fresh stamp, or the reverse. The files, not the
// folder: in the image the folder is the only part of the bundle the user making the blob may write to.
const clear = () => [blob, stamp].forEach((file) => rmSync(file, { force: true }));
clear();
mkdirSync(folder, { recursive: true });
const built = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], { encoding: 'utf8' });
// Node warns about every built-in module it has not verified in a snapshot; those serve uses are tested (test/package).
const errors = built.stderr
  .split('\n')
  .filter((line) => !/not yet fully verified|^It may still work|^To request support|--trace-warnings|^$/.test(line));
if (built.status !== 0 || errors.length > 0) {
  clear();
  process.stderr.write(`the startup snapshot could not be built (exit ${built.status}):\n${errors.join('\n')}\n`);
  process.exit(1);
}
writeFileSync(stamp, `${realpathSync(process.execPath)}\n${entry}\n`);
