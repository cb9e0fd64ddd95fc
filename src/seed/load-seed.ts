import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import { DEFAULT_SEED_SHA256, DEFAULT_SEED_URL, type Config } from '../config/config.js';

export type SeedErrorCode = 'NOT_FOUND' | 'DOWNLOAD_FAILED' | 'CHECKSUM_MISMATCH' | 'INVALID_JSON' | 'NOT_AN_ARRAY' | 'TOO_LARGE';

export class SeedError extends Error {
  constructor(
    readonly code: SeedErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SeedError';
  }
}

export interface SeedSource {
  /** A path or an http(s) URL. */
  readonly source: string;
  readonly dataDir: string;
  /** Expected sha256; the pinned default URL always has one. */
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
  readonly sha256: string;
  readonly bytes: number;
  /** The file actually read: the path, or the cache file of a download. */
  readonly from: string;
}

export const MAX_SEED_BYTES = 512 * 1024 * 1024;
const HINT = 'Set MOVIES_SEED to the path or URL of a movies JSON file.';

/** Reads the seed JSON from a path, or from a URL downloaded once into `<dataDir>/cache`. */
export async function loadSeed(options: SeedSource): Promise<LoadedSeed> {
  const isUrl = /^https?:\/\//i.test(options.source);
  const expected = options.sha256 ?? (options.source === DEFAULT_SEED_URL ? DEFAULT_SEED_SHA256 : undefined);
  const file = isUrl ? await cachedDownload(options, expected) : resolve(options.source);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new SeedError(
      'NOT_FOUND',
      `could not read the seed file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ${HINT}`,
    );
  }
  if (bytes.length > MAX_SEED_BYTES)
    throw new SeedError('TOO_LARGE', `the seed file ${file} is larger than ${MAX_SEED_BYTES} bytes. ${HINT}`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (expected !== undefined && sha256 !== expected.toLowerCase()) {
    if (isUrl) await rm(file, { force: true });
    throw new SeedError(
      'CHECKSUM_MISMATCH',
      `the seed ${options.source} has sha256 ${sha256}, expected ${expected}. Check MOVIES_SEED and MOVIES_SEED_SHA256.`,
    );
  }
  let records: unknown;
  try {
    records = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new SeedError('INVALID_JSON', `the seed ${options.source} is not valid JSON (${(error as Error).message}). ${HINT}`);
  }
  if (!Array.isArray(records))
    throw new SeedError('NOT_AN_ARRAY', `the seed ${options.source} is JSON but not an array of movies. ${HINT}`);
  return { records, sha256, bytes: bytes.length, from: file };
}

async function cachedDownload(options: SeedSource, expected: string | undefined): Promise<string> {
  const cacheDir = join(options.dataDir, 'cache');
  const file = join(cacheDir, `seed-${createHash('sha256').update(options.source).digest('hex').slice(0, 16)}.json`);
  const cached = await readFile(file).catch(() => undefined);
  if (cached && (expected === undefined || createHash('sha256').update(cached).digest('hex') === expected.toLowerCase())) {
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
    throw new SeedError('DOWNLOAD_FAILED', `could not download the seed from ${options.source} (${cause}). ${HINT}`);
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
    );
  } finally {
    bar?.stop();
  }
  await handle.close();
  await rename(temp, file);
  options.log.info({ source: options.source, bytes: received, cache: file }, 'seed downloaded');
  return file;
}
