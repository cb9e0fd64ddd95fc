import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import { BUNDLED_SEED_PATH, DEFAULT_SEED_SHA256, DEFAULT_SEED_URL, type Config } from '../config/config.js';
import { SeedError } from '../errors/errors.js';

export interface SeedSource {
  /** A path or an http(s) URL. */
  readonly source: string;
  readonly dataDir: string;
  /** Expected sha256 of the JSON (decompressed); the bundled copy and the pinned URL always have one. */
  readonly sha256?: string;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

/** Where the first snapshot comes from, as configured. */
export function seedSourceOf(config: Pick<Config, 'seed' | 'dataDir' | 'seedSha256'>): Omit<SeedSource, 'log'> {
  return { source: config.seed, dataDir: config.dataDir, ...(config.seedSha256 ? { sha256: config.seedSha256 } : {}) };
}

export interface LoadedSeed {
  readonly records: unknown[];
  /** Of the JSON bytes, decompressed when the file was gzipped. */
  readonly sha256: string;
  /** Bytes of JSON, decompressed. */
  readonly bytes: number;
  /** The file actually read: the path, or the cache file of a download. */
  readonly from: string;
}

export const MAX_SEED_BYTES = 512 * 1024 * 1024;
const HINT = 'Set MOVIES_SEED to the path or URL of a movies JSON file, or leave it unset for the bundled copy.';
const GZIP_MAGIC = [0x1f, 0x8b];

/** The sha256 a source must have when none is configured: the bundled copy and the upstream file are pinned. */
export function pinnedSha256(source: string): string | undefined {
  return source === DEFAULT_SEED_URL || resolve(source) === BUNDLED_SEED_PATH ? DEFAULT_SEED_SHA256 : undefined;
}

/**
 * Reads the seed JSON from a path, or from a URL downloaded once into `<dataDir>/cache`. A gzipped
 * file (known by its magic bytes, so a downloaded .gz works too) is decompressed, and the checksum
 * is that of the JSON, so one pinned sha256 fits the bundled .gz and the upstream .json alike.
 */
export async function loadSeed(options: SeedSource): Promise<LoadedSeed> {
  const isUrl = /^https?:\/\//i.test(options.source);
  const expected = options.sha256 ?? pinnedSha256(options.source);
  const file = isUrl ? await cachedDownload(options, expected) : resolve(options.source);
  const json = await readSeedJson(file, options.source);
  const sha256 = sha256Of(json);
  if (expected !== undefined && sha256 !== expected.toLowerCase()) {
    if (isUrl) await rm(file, { force: true });
    throw new SeedError(
      'CHECKSUM_MISMATCH',
      `the seed ${options.source} has sha256 ${sha256}, expected ${expected}. Check MOVIES_SEED and MOVIES_SEED_SHA256.`,
    );
  }
  let records: unknown;
  try {
    records = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new SeedError('INVALID_JSON', `the seed ${options.source} is not valid JSON (${(error as Error).message}). ${HINT}`, {
      cause: error,
    });
  }
  if (!Array.isArray(records))
    throw new SeedError('NOT_AN_ARRAY', `the seed ${options.source} is JSON but not an array of movies. ${HINT}`);
  return { records, sha256, bytes: json.length, from: file };
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The file's bytes, decompressed when gzipped; at most MAX_SEED_BYTES either way. */
async function readSeedJson(file: string, source: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new SeedError(
      'NOT_FOUND',
      `could not read the seed file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ${HINT}`,
      { cause: error },
    );
  }
  const tooLarge = () => new SeedError('TOO_LARGE', `the seed ${source} is larger than ${MAX_SEED_BYTES} bytes. ${HINT}`);
  if (bytes.length > MAX_SEED_BYTES) throw tooLarge();
  if (bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) return bytes;
  try {
    return await promisify(gunzip)(bytes, { maxOutputLength: MAX_SEED_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new SeedError(
      'INVALID_GZIP',
      `the seed ${source} starts like gzip but does not decompress (${(error as Error).message}). ${HINT}`,
      { cause: error },
    );
  }
}

async function cachedDownload(options: SeedSource, expected: string | undefined): Promise<string> {
  const cacheDir = join(options.dataDir, 'cache');
  const file = join(cacheDir, `seed-${createHash('sha256').update(options.source).digest('hex').slice(0, 16)}.json`);
  const cached = await readSeedJson(file, options.source).catch(() => undefined);
  if (cached && (expected === undefined || sha256Of(cached) === expected.toLowerCase())) {
    options.log.info({ source: options.source, cache: file }, 'seed taken from the download cache');
    return file;
  }
  await mkdir(cacheDir, { recursive: true });
  const temp = `${file}.partial`;
  options.log.info({ source: options.source }, 'downloading the seed');
  let response: Response;
  try {
    response = await fetch(options.source, { redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new SeedError('DOWNLOAD_FAILED', `could not download the seed from ${options.source} (${cause}). ${HINT}`, { cause: error });
  }
  if (!response.ok || !response.body) {
    throw new SeedError('DOWNLOAD_FAILED', `downloading the seed from ${options.source} answered HTTP ${response.status}. ${HINT}`);
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  if (total > MAX_SEED_BYTES)
    throw new SeedError('TOO_LARGE', `the seed at ${options.source} is ${total} bytes, more than ${MAX_SEED_BYTES}. ${HINT}`);
  const bar =
    process.stderr.isTTY && total > 0
      ? new cliProgress.SingleBar({ format: 'seed [{bar}] {percentage}% {value}/{total} bytes' }, cliProgress.Presets.shades_classic)
      : undefined;
  bar?.start(total, 0);
  const handle = await open(temp, 'w');
  let received = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      if (received > MAX_SEED_BYTES)
        throw new SeedError('TOO_LARGE', `the seed at ${options.source} is larger than ${MAX_SEED_BYTES} bytes. ${HINT}`);
      await handle.write(chunk);
      bar?.update(received);
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    if (error instanceof SeedError) throw error;
    throw new SeedError(
      'DOWNLOAD_FAILED',
      `the download of ${options.source} broke off after ${received} bytes (${(error as Error).message}). ${HINT}`,
      { cause: error },
    );
  } finally {
    bar?.stop();
  }
  await handle.close();
  await rename(temp, file);
  options.log.info({ source: options.source, bytes: received, cache: file }, 'seed downloaded');
  return file;
}
