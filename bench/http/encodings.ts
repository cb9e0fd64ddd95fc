/**
 * Identity, gzip and br answers of one cinedex process, compared side by side: the same server answers
 * each encoding's clients in turn, in one-second slices that alternate (identity, gzip, br, identity…), and
 * each encoding's figure is the median over its slices. On a shared machine the load from others drifts
 * over seconds; alternating short slices puts every encoding under the same drift, which separate runs of
 * several seconds each did not (their ratios moved by a third from one run to the next).
 */
import { mark, serverUse } from '../lib/cpu.js';
import { closedLoop } from '../lib/load.js';
import type { Control } from '../lib/servers.js';
import { median } from '../lib/stats.js';
import { record } from './replay.js';

/** The representations compared, each asked for alone: no header (identity), a client that accepts only gzip, or only br. */
export const ENCODINGS = [
  { name: 'identity', acceptEncoding: undefined },
  { name: 'gzip', acceptEncoding: 'gzip' },
  { name: 'br', acceptEncoding: 'br' },
] as const;

export type EncodingName = (typeof ENCODINGS)[number]['name'];

const SLICE_SECONDS = 1;
const CONNECTIONS = 16;

/** Server CPU µs per request for each encoding, the median of `slices` slices each after one unmeasured slice of warm-up. */
export async function cpuByEncoding(
  server: Control,
  targets: (encoding: number, slice: number) => readonly string[],
  slices: number,
): Promise<Map<EncodingName, number>> {
  const samples = ENCODINGS.map((): number[] => []);
  for (let slice = 0; slice <= slices; slice++) {
    for (const [i, { acceptEncoding }] of ENCODINGS.entries()) {
      const before = mark([server.pid], []);
      const run = await closedLoop(server.base, targets(i, slice), CONNECTIONS, SLICE_SECONDS, acceptEncoding);
      const after = mark([server.pid], []);
      if (slice > 0) samples[i]?.push(serverUse(before, after, run.requests).cpuUs);
    }
  }
  return new Map(ENCODINGS.map(({ name }, i) => [name, median(samples[i] ?? [])]));
}

/** Body bytes per answer of the mix as cycled, per encoding: each distinct answer recorded once, weighted by how often the mix asks it. */
export async function bytesByEncoding(base: string, paths: readonly string[]): Promise<Map<EncodingName, number>> {
  const out = new Map<EncodingName, number>();
  for (const { name, acceptEncoding } of ENCODINGS) {
    const sizes = new Map((await record(base, paths, acceptEncoding)).map(([target, , , body]) => [target, body.length]));
    out.set(name, paths.reduce((n, path) => n + (sizes.get(path) ?? NaN), 0) / paths.length);
  }
  return out;
}
