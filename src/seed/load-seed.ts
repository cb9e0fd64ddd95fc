import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { BUNDLED_SEED_PATH, DEFAULT_SEED_SHA256, DEFAULT_SEED_URL } from '../config/seed-source.js';
import { SeedError } from '../errors/errors.js';
import { jsonArrayElements, JsonArrayError } from './json-array-elements.js';

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

/** What was read: the checksum and size of the JSON, and from where. */
export interface SeedRead {
  /** Of the JSON bytes, decompressed when the file was gzipped. */
  readonly sha256: string;
  /** Bytes of JSON, decompressed. */
  readonly bytes: number;
  /** The file actually read: the path, or the cache file of a download. */
  readonly from: string;
}

export interface LoadedSeed extends SeedRead {
  readonly records: unknown[];
}

/**
 * A bound on the JSON, decompressed: a wrong URL or a runaway file is refused before it fills the disk.
 * The file is read as a stream (readSeed), so memory follows the catalogue, not this bound; 4 GiB is
 * ~25 million movies of the scale bench's shape.
 */
export const MAX_SEED_BYTES = 4 * 2 ** 30;
const HINT = 'Set MOVIES_SEED to the path or URL of a movies JSON file, or leave it unset for the bundled copy.';
const GZIP_MAGIC = [0x1f, 0x8b];

/** The sha256 a source must have when none is configured: the bundled copy and the upstream file are pinned. */
export function pinnedSha256(source: string): string | undefined {
  return source === DEFAULT_SEED_URL || resolve(source) === BUNDLED_SEED_PATH ? DEFAULT_SEED_SHA256 : undefined;
}

/**
 * Reads the seed JSON from a path, or from a URL downloaded once into `<dataDir>/cache`, and hands
 * each record of its array to `onRecord` as it is read: neither the text nor the records are ever
 * whole in memory. A gzipped file (known by its magic bytes, so a downloaded .gz works too) is
 * decompressed, and the checksum is that of the JSON, so one pinned sha256 fits the bundled .gz and
 * the upstream .json alike. The checksum can only be known at the end: a caller acts on the records
 * once this resolves, never before (a mismatch rejects it).
 */
export async function readSeed(options: SeedSource, onRecord: (record: unknown) => void): Promise<SeedRead> {
  const isUrl = /^https?:\/\//i.test(options.source);
  const expected = options.sha256 ?? pinnedSha256(options.source);
  const file = isUrl ? await cachedDownload(options, expected) : resolve(options.source);
  const hash = createHash('sha256');
  let bytes = 0;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of seedJson(file, options.source)) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
  }
  try {
    for await (const record of jsonArrayElements(hashed())) onRecord(record);
  } catch (error) {
    if (!(error instanceof JsonArrayError)) throw error;
    const [code, what] =
      error.kind === 'not-an-array'
        ? (['NOT_AN_ARRAY', 'JSON but not an array of movies'] as const)
        : (['INVALID_JSON', 'not valid JSON'] as const);
    throw new SeedError(code, `the seed ${options.source} is ${what} (${error.message}). ${HINT}`, { cause: error });
  }
  const sha256 = hash.digest('hex');
  if (expected !== undefined && sha256 !== expected.toLowerCase()) {
    if (isUrl) await rm(file, { force: true });
    throw new SeedError(
      'CHECKSUM_MISMATCH',
      `the seed ${options.source} has sha256 ${sha256}, expected ${expected}. Check MOVIES_SEED and MOVIES_SEED_SHA256.`,
    );
  }
  return { sha256, bytes, from: file };
}

/** The seed's records in one array: for tests and small catalogues; `cinedex seed` streams them (readSeed). */
export async function loadSeed(options: SeedSource): Promise<LoadedSeed> {
  const records: unknown[] = [];
  const read = await readSeed(options, (record) => records.push(record));
  return { records, ...read };
}

/** Bytes read at a time from the seed file. */
const READ_CHUNK_BYTES = 2 ** 20;

/** The file's bytes as they are read, decompressed when gzipped; at most MAX_SEED_BYTES either way. */
async function* seedJson(file: string, source: string): AsyncGenerator<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new SeedError(
      'NOT_FOUND',
      `could not read the seed file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ${HINT}`,
      { cause: error },
    );
  }
  const tooLarge = () => new SeedError('TOO_LARGE', `the seed ${source} is larger than ${MAX_SEED_BYTES} bytes. ${HINT}`);
  try {
    const magic = Buffer.alloc(2);
    await handle.read(magic, 0, 2, 0);
    const gzipped = magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
    const raw = handle.createReadStream({ start: 0, autoClose: false, highWaterMark: READ_CHUNK_BYTES });
    const stream = gzipped ? raw.pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES })) : raw;
    let bytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > MAX_SEED_BYTES) throw tooLarge();
        yield chunk;
      }
    } catch (error) {
      if (error instanceof SeedError || !gzipped) throw error;
      throw new SeedError(
        'INVALID_GZIP',
        `the seed ${source} starts like gzip but does not decompress (${(error as Error).message}). ${HINT}`,
        { cause: error },
      );
    } finally {
      raw.destroy();
    }
  } finally {
    await handle.close();
  }
}

/** The sha256 of a seed file's JSON, or undefined when it cannot be read. */
async function sha256OfFile(file: string, source: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of seedJson(file, source)) hash.update(chunk);
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

async function cachedDownload(options: SeedSource, expected: string | undefined): Promise<string> {
  const cacheDir = join(options.dataDir, 'cache');
  const file = join(cacheDir, `seed-${createHash('sha256').update(options.source).digest('hex').slice(0, 16)}.json`);
  const cached = await sha256OfFile(file, options.source);
  if (cached !== undefined && (expected === undefined || cached === expected.toLowerCase())) {
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
