import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync, type BrotliOptions } from 'node:zlib';
import { promisify } from 'node:util';
import type { Encoding } from '../node-http/accept-encoding.js';

export type CompressedEncoding = Exclude<Encoding, 'identity'>;

/**
 * Answers shorter than this go uncompressed on their first request, whatever the client accepts: they
 * fit in one TCP segment (an MSS is ~1,460 bytes) either way, so compressing them on the request saves no
 * round trip and costs CPU; and the error problems, 304s and single movies below it stay exactly as they
 * were. Most of the realistic mix's answers are under it (1,791 of 2,612), which is why the second tier has
 * a floor of its own (RECOMPRESSION_FLOOR_BYTES).
 */
export const COMPRESSION_FLOOR_BYTES = 1024;

/**
 * The second tier's floor: an answer of GET /v1/movies asked for again is compressed off the request's
 * path from this size on. Bytes still cost a mobile client when they take no extra round trip, and off the
 * path CPU costs no latency: brotli 11 sends 44.7 % of the mix's identity bytes with this floor against
 * 47.9 % with the first tier's (bench/http/compression-levels.ts). Under it, JSON hardly shrinks.
 */
export const RECOMPRESSION_FLOOR_BYTES = 256;

/**
 * `fast`: made on the request that first asks for a representation, which waits for it. `best`: made
 * again, off the request's path and under the recompression budget (recompressor.ts), once the answer is
 * asked for again, and swapped in for the fast bytes.
 */
export type Tier = 'fast' | 'best';

/**
 * Levels, measured on the 2,612 distinct answers of the realistic mix (bench/http/compression-levels.ts;
 * docs/investigations/compression.md). Fast: brotli quality 0 costs ~6 µs less per answer than quality 1
 * (a fifth) for 57.4 % of the identity bytes against 54.8 %, which moved never-seen br from 1.13–1.17× to
 * 1.11–1.13× identity's CPU in paired runs; quality 5 costs three times quality 1 for 51.2 %. gzip 1 costs
 * about what gzip 6 does (its CPU at these sizes is mostly setting up the stream). Best: brotli 11 sends
 * 47.9 % (44.7 % with the lower floor) for ~3 ms, which only the second tier can afford; gzip 9 is as small
 * as gzip gets.
 */
const LEVELS: Readonly<Record<Tier, { readonly brotli: number; readonly gzip: number }>> = {
  fast: { brotli: 0, gzip: 1 },
  best: { brotli: 11, gzip: 9 },
};

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Types whose bodies are text and worth compressing: JSON, the OpenAPI document, the page's HTML, scripts and style. */
const COMPRESSIBLE = /^(application\/(json|problem\+json)|text\/(html|javascript|css))\b/;

export function compressibleType(contentType: string | undefined): boolean {
  return contentType !== undefined && COMPRESSIBLE.test(contentType);
}

/** The first tier, on the request's path: synchronous, since at ~30 µs a trip to the thread pool would cost more than it saves. */
export function compressFast(body: Buffer, encoding: CompressedEncoding): Buffer {
  if (encoding === 'gzip') return ownMemory(gzipSync(body, { level: LEVELS.fast.gzip }));
  return ownMemory(brotliCompressSync(body, brotliOptions(body, LEVELS.fast.brotli)));
}

/** The second tier, in libuv's thread pool: the event loop goes on answering while brotli 11 spends its milliseconds. */
export async function compressBest(body: Buffer, encoding: CompressedEncoding): Promise<Buffer> {
  if (encoding === 'gzip') return ownMemory(await gzipAsync(body, { level: LEVELS.best.gzip }));
  return ownMemory(await brotliAsync(body, brotliOptions(body, LEVELS.best.brotli)));
}

/**
 * zlib hands back its output as a view of a 16 KiB chunk: a 600-byte answer kept in a cache would hold the
 * whole chunk, which the cache counts as 600 bytes. Kept answers get memory of their own size (unpooled,
 * since a slice of Node's shared pool would hold its 8 KiB slab the same way).
 */
function ownMemory(compressed: Buffer): Buffer {
  if (compressed.byteLength === compressed.buffer.byteLength) return compressed;
  const own = Buffer.allocUnsafeSlow(compressed.byteLength);
  compressed.copy(own);
  return own;
}

function brotliOptions(body: Buffer, quality: number): BrotliOptions {
  return {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      [constants.BROTLI_PARAM_LGWIN]: windowBits(body.length),
    },
  };
}

const MIN_WINDOW_BITS = constants.BROTLI_MIN_WINDOW_BITS;
const MAX_WINDOW_BITS = 18;

/**
 * The smallest window that holds the whole body, up to 256 KiB (answers rarely reach it): brotli allocates
 * its buffers per call in proportion to the window (quality 1 two 2^min(lgwin, 17)-entry buffers, 640 KiB
 * at lgwin 18), and on the request's path a 2 KB answer paid for allocating and touching them. A window the
 * body fits in loses no match, so the bytes are the same.
 */
function windowBits(length: number): number {
  let bits = MIN_WINDOW_BITS;
  // Brotli's window is 2^lgwin minus 16 bytes.
  while (bits < MAX_WINDOW_BITS && (1 << bits) - 16 < length) bits++;
  return bits;
}
