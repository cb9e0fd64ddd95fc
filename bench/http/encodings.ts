/**
 * Identity, gzip and br answers of one cinedex process, compared side by side: the same server answers
 * each encoding's clients in turn, in one-second slices that alternate (identity, gzip, br, identity…), and
 * each encoding's figure is the median over its slices. On a shared machine the load from others drifts
 * over seconds; alternating short slices puts every encoding under the same drift, which separate runs of
 * several seconds each did not (their ratios moved by a third from one run to the next).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { mark, serverUse } from '../lib/cpu.js';
import { closedLoop, sendEach } from '../lib/load.js';
import { fmt, table } from '../lib/markdown.js';
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

/**
 * What a cinedex serving the repeated mix needs for its second compression tier to be done with it: a
 * time per second to recompress in that lets the warm-up end within a minute or so (the steady state it
 * reaches is the default budget's, only sooner).
 */
export const RECOMPRESSION_ENV = { MOVIES_RECOMPRESSION_MS: '1000' } as const;

/** Asked for in full means: the compressed representations of every answer, made and then recompressed. */
const SETTLE_PASSES = 30;

/** Every compressed encoding the comparison asks for. */
const COMPRESSED = ENCODINGS.flatMap(({ acceptEncoding }) => (acceptEncoding === undefined ? [] : [acceptEncoding]));

/**
 * Asks the mix in each compressed encoding (or only those given) until the second tier has nothing left
 * to do: each pass asks every path (an answer asked for again is offered for recompression, or skipped
 * when its queue is full) and waits for the queue to empty (cinedex_recompressions_queued on /metrics);
 * it ends after a pass that recompressed nothing.
 */
export async function settleRecompression(
  base: string,
  paths: readonly string[],
  encodings: readonly string[] = COMPRESSED,
): Promise<number> {
  let previous = -1;
  for (let pass = 0; pass < SETTLE_PASSES; pass++) {
    for (const acceptEncoding of encodings) await sendEach(base, paths, 16, acceptEncoding);
    let done = await recompressions(base);
    while (done.queued > 0) {
      await sleep(250);
      done = await recompressions(base);
    }
    if (done.done === previous) return done.done;
    previous = done.done;
  }
  return previous;
}

async function recompressions(base: string): Promise<{ done: number; queued: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (line: RegExp): number => Number(line.exec(text)?.[1] ?? NaN);
  return {
    done: value(/^cinedex_recompressions_total\{outcome="done"\} (\d+)$/m),
    queued: value(/^cinedex_recompressions_queued (\d+)$/m),
  };
}

export interface CompressedAnswers {
  readonly bytes: Map<EncodingName, number>;
  readonly repeated: Map<EncodingName, number>;
  readonly unseen: Map<EncodingName, number>;
}

/** The "Compressed answers" table: bytes per answer of the mix as cycled, CPU per request repeated and never-seen, each × identity. */
export function compressedAnswersTable({ bytes, repeated, unseen }: CompressedAnswers, slices: number): string {
  const rows = ENCODINGS.map(({ name }) => {
    const ratio = (of: Map<EncodingName, number>): string => `${fmt((of.get(name) ?? NaN) / (of.get('identity') ?? NaN), 2)}×`;
    return [
      name,
      fmt(bytes.get(name) ?? NaN, 0),
      `${fmt((100 * (bytes.get(name) ?? NaN)) / (bytes.get('identity') ?? NaN), 1)} %`,
      fmt(repeated.get(name) ?? NaN, 1),
      ratio(repeated),
      fmt(unseen.get(name) ?? NaN, 1),
      ratio(unseen),
    ];
  });
  return (
    `### Compressed answers (the encodings in alternating ${slices} slices of 1 s, medians)\n\n` +
    table(
      [
        'Accept-Encoding',
        'bytes / answer',
        '× identity bytes',
        'repeated mix: CPU µs / request',
        '× identity',
        'never-seen mix: CPU µs / request',
        '× identity',
      ],
      rows,
    ) +
    '\n\nBytes are the bodies of the mix as cycled (each distinct answer recorded once in that representation, weighted by how often ' +
    "the mix asks it); answers under the compression floors count as sent, uncompressed. CPU is the server's per request while " +
    "each encoding's clients (16 connections, asking for it alone) had it, in slices that alternate between the encodings " +
    "(bench/http/encodings.ts). The repeated mix's compressed representations were made, and recompressed by the second tier " +
    `(${RECOMPRESSION_ENV.MOVIES_RECOMPRESSION_MS} ms a second), before any slice and come from the response cache; the never-seen ` +
    'mix pays one fast compression per answer over the first floor.\n'
  );
}
