import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Encoding } from '../node-http/accept-encoding.js';

/**
 * Answers shorter than this go uncompressed, whatever the client accepts: they fit in one TCP segment
 * (an MSS is ~1,460 bytes) either way, so compressing them saves no round trip and costs CPU; and
 * the error problems, 304s and single movies below it stay exactly as they were. Most of the realistic mix's
 * answers are under it (1,791 of 2,612), so it costs bytes: the mix in br would be 47.1 % of identity with no
 * floor, 49.3 % with a 512-byte one, against 51.2 % with this one (bench/http/compression-levels.ts).
 */
export const COMPRESSION_FLOOR_BYTES = 1024;

/**
 * Levels, measured on the 2,612 distinct answers of the realistic mix (bench/http/compression-levels.ts;
 * docs/performance.md, "Compression"): brotli quality 5 sends 51.2 % of the identity bytes for ~93 µs of CPU
 * per answer compressed, quality 4 52.3 % for ~72 µs, quality 3 52.5 % (no better than gzip 6), 6 to 9 nothing
 * smaller than 5, and 11 47.9 % for ~3 ms, thirty times 5's CPU, which a never-seen query would pay on its
 * request. gzip 6 sends 51.8 % for ~47 µs; 9 is no smaller, 4 and 1 larger for about the same CPU.
 */
export const BROTLI_QUALITY = 5;
export const GZIP_LEVEL = 6;

/** Types whose bodies are text and worth compressing: JSON, the OpenAPI document, the page's HTML, scripts and style. */
const COMPRESSIBLE = /^(application\/(json|problem\+json)|text\/(html|javascript|css))\b/;

export function compressibleType(contentType: string | undefined): boolean {
  return contentType !== undefined && COMPRESSIBLE.test(contentType);
}

export function compress(body: Buffer, encoding: Exclude<Encoding, 'identity'>): Buffer {
  if (encoding === 'gzip') return gzipSync(body, { level: GZIP_LEVEL });
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      // A 256 KiB window: answers rarely reach it, and brotli's default of 4 MiB is allocated per call.
      [constants.BROTLI_PARAM_LGWIN]: 18,
    },
  });
}
