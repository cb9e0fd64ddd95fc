import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Encoding } from '../node-http/accept-encoding.js';

/**
 * Answers shorter than this go uncompressed, whatever the client accepts: they fit in one TCP segment
 * (an MSS is ~1,460 bytes) either way, so compressing them saves no round trip and costs CPU; and
 * the error problems, 304s and single movies below it stay exactly as they were.
 */
export const COMPRESSION_FLOOR_BYTES = 1024;

/**
 * Levels, from a first measurement on 600 answers of the realistic mix (docs/performance.md, "Compression"):
 * with the 1 KiB floor the mix's bytes fall to 50.4 % of identity at brotli quality 5, 51.4 % at 4 and 47.0 %
 * at 11, and 50.9 % with gzip level 6; quality 11 costs ten times quality 5's CPU, which a never-seen query
 * would pay on its request. These were taken on a heavily loaded machine and are to be measured again.
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
