/**
 * The HTTP scenario's "Compressed answers" table alone (`node dist/bench/http/compressed-answers.js` after
 * `npm run build`): one cinedex on the repeated mix and one on the never-seen mix, identity, gzip and br in
 * alternating slices (bench/http/encodings.ts), without the rest of `npm run bench:http`.
 */
import { pinSelf } from '../lib/launch.js';
import { closedLoop, sendEach } from '../lib/load.js';
import { runIfMain } from '../lib/script.js';
import { startCinedex } from '../lib/servers.js';
import { benchPaths } from '../lib/workload.js';
import { ROUNDS } from '../settings.js';
import { bytesByEncoding, compressedAnswersTable, cpuByEncoding, ENCODINGS, RECOMPRESSION_ENV, settleRecompression } from './encodings.js';
import { neverSeen } from './never-seen.js';

/** About as long as bench:http's never-seen server has answered before its slices (3 rounds of 2 + 10 + 10 s). */
const WARM_SECONDS = 60;

/** As many slices as bench:http's comparison has (5 a round). */
const SLICES_PER_ROUND = 5;

export async function benchCompressedAnswers(paths: readonly string[], rounds: number): Promise<string> {
  pinSelf(1);
  const repeated = await startCinedex(RECOMPRESSION_ENV);
  const fresh = await startCinedex();
  const slices = rounds * SLICES_PER_ROUND;
  const unseen = neverSeen(paths);
  // The first half for the slices, the second to warm the never-seen server up as bench:http's rounds do before its slices.
  const half = Math.floor(unseen.length / 2);
  const slice = Math.floor(half / (ENCODINGS.length * (slices + 1)));
  try {
    await sendEach(repeated.base, paths, 16);
    // Its answers per request cost several times more for the first few seconds (JIT, a response cache filling up).
    await closedLoop(fresh.base, unseen.slice(half), 16, WARM_SECONDS);
    const recompressed = await settleRecompression(repeated.base, paths);
    console.log(`  ${recompressed} representations recompressed`);
    const bytes = await bytesByEncoding(repeated.base, paths);
    console.log('  identity, gzip and br in alternating slices: repeated mix');
    const cpuRepeated = await cpuByEncoding(repeated, () => paths, slices);
    console.log('  identity, gzip and br in alternating slices: never-seen mix');
    const cpuUnseen = await cpuByEncoding(
      fresh,
      (encoding, n) => unseen.slice((n * ENCODINGS.length + encoding) * slice, (n * ENCODINGS.length + encoding + 1) * slice),
      slices,
    );
    return compressedAnswersTable({ bytes, repeated: cpuRepeated, unseen: cpuUnseen }, slices);
  } finally {
    await Promise.all([repeated.stop(), fresh.stop()]);
  }
}

runIfMain(import.meta.url, () => benchCompressedAnswers(benchPaths(), ROUNDS.read()));
