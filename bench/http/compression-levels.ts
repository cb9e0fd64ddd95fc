/**
 * Which brotli quality and gzip level to compress answers with, and from what size (`node
 * dist/bench/http/compression-levels.js` after `npm run build`; its table is in docs/investigations/compression.md):
 * the realistic mix's answers, recorded once from a running cinedex, compressed at each candidate setting
 * in this process. Bytes are exact; CPU is this process's own (process.cpuUsage, user + system) per answer
 * compressed, the median of a few passes that interleave the settings, so other load on the machine
 * stretches every setting alike. A never-seen query pays one compression on its request; a repeated one
 * pays none (the response cache keeps each representation).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { COMPRESSION_FLOOR_BYTES } from '../../src/http/compression.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { startCinedex } from '../lib/servers.js';
import { median } from '../lib/stats.js';
import { benchPaths } from '../lib/workload.js';
import { record } from './replay.js';

interface Candidate {
  readonly name: string;
  readonly compress: (body: Buffer) => Buffer;
}

function brotli(quality: number, window: number): Candidate {
  return {
    name: `br q${quality}, ${2 ** window / 1024} KiB window`,
    compress: (body) =>
      brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: quality,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          [constants.BROTLI_PARAM_LGWIN]: window,
        },
      }),
  };
}

function gzip(level: number): Candidate {
  return { name: `gzip ${level}`, compress: (body) => gzipSync(body, { level }) };
}

const CANDIDATES: readonly Candidate[] = [
  gzip(1),
  gzip(4),
  gzip(6),
  gzip(9),
  // Qualities 6 to 9 made answers no smaller than 5 in a first run, and 9 was a hundred times slower: left out.
  ...[0, 1, 3, 4, 5, 11].map((q) => brotli(q, 18)),
  brotli(5, 22),
];

/** The answers the issue quoted, reported one by one beside the mix. */
const TYPICAL = [
  '/v1/movies?genre=Drama&limit=20',
  '/v1/movies?q=star%20wars&facets=genre,decade&count=true',
  '/v1/movies?limit=100&year=1994',
];

const PASSES = 5;
/** Floors tried for a few settings: most of the mix's answers are under 1 KiB; 2 KiB for the first tier (br q0, gzip 1). */
const FLOORS = [0, 256, 512, 1024, 2048];
const FLOOR_SETTINGS = /^(gzip 1|gzip 6|br q0,|br q1,|br q5, 256|br q11)/;

export async function benchCompressionLevels(paths: readonly string[]): Promise<string> {
  const server = await startCinedex({ LOG_LEVEL: 'warn' });
  let mix: Buffer[];
  let typical: Buffer[];
  try {
    mix = (await record(server.base, paths)).filter(([, status]) => status === 200).map(([, , , body]) => body);
    typical = (await record(server.base, TYPICAL)).map(([, , , body]) => body);
  } finally {
    await server.stop();
  }
  const identityBytes = mix.reduce((n, b) => n + b.length, 0);
  const eligible = mix.filter((b) => b.length >= COMPRESSION_FLOOR_BYTES);
  const cpu = new Map<Candidate, number[]>(CANDIDATES.map((c) => [c, []]));
  const sizes = new Map<Candidate, number>();
  // Pass 0 is not timed: the first setting timed would pay the warm-up.
  for (let pass = 0; pass <= PASSES; pass++) {
    for (const c of CANDIDATES) {
      const start = process.cpuUsage();
      let bytes = 0;
      for (const body of eligible) bytes += c.compress(body).length;
      const used = process.cpuUsage(start);
      if (pass > 0) cpu.get(c)?.push((used.user + used.system) / eligible.length);
      sizes.set(c, bytes);
    }
  }
  const sent = (bytes: number): string => `${fmt((100 * (identityBytes - eligibleBytes(eligible) + bytes)) / identityBytes, 1)} %`;
  const rows = CANDIDATES.map((c) => [
    c.name,
    sent(sizes.get(c) ?? NaN),
    ...typical.map((body) => `${fmt((100 * c.compress(body).length) / body.length, 1)} %`),
    fmt(median(cpu.get(c) ?? []), 1),
  ]);
  const floorRows = CANDIDATES.filter((c) => FLOOR_SETTINGS.test(c.name)).map((c) => [
    c.name,
    ...FLOORS.map((floor) => {
      const bytes = mix.reduce((n, body) => n + (body.length >= floor ? c.compress(body).length : body.length), 0);
      return `${fmt((100 * bytes) / identityBytes, 1)} %`;
    }),
  ]);
  const smallest = Math.min(...mix.map((b) => b.length));
  const compressedAt = FLOORS.map((floor) => mix.filter((b) => b.length >= floor).length);
  return (
    `## Compression levels (the mix's ${mix.length} distinct answers, ${fmt(identityBytes / mix.length, 0)} bytes on average; median of ${PASSES} passes)\n\n` +
    table(['setting', 'mix bytes (× identity)', ...TYPICAL.map((t) => t.slice('/v1/movies?'.length)), 'CPU µs / answer compressed'], rows) +
    `\n\nThe mix's bytes count the ${mix.length - eligible.length} answers under the ${COMPRESSION_FLOOR_BYTES}-byte floor as sent ` +
    `(uncompressed); CPU is per answer at or over the floor (${eligible.length} of them), the cost a never-seen query pays once.\n\n` +
    table(['setting', ...FLOORS.map((f) => `mix bytes, floor ${f}`)], floorRows) +
    `\n\nThe same settings with other floors (the smallest answer of the mix is ${smallest} bytes); answers compressed at each floor: ` +
    `${FLOORS.map((floor, i) => `${compressedAt[i]} from ${floor}`).join(', ')} of ${mix.length}.\n`
  );
}

function eligibleBytes(bodies: readonly Buffer[]): number {
  return bodies.reduce((n, b) => n + b.length, 0);
}

runIfMain(import.meta.url, () => benchCompressionLevels(benchPaths()));
