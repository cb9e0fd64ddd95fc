import { createHash, randomBytes } from 'node:crypto';
import { open, mkdir, type FileHandle, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { StoreError, PreconditionFailedError, ObjectTooLargeError } from '../errors/errors.js';
import {
  lengthMismatch,
  type ByteSink,
  type ChunkedPutOptions,
  type GetOptions,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';

const TEMP_MARK = '.cinedex-tmp-';
/**
 * Bytes per read of a large object. readFile reads 512 KiB at a time, a trip through the thread
 * pool each: ~1,400 of them for a segment at a million movies. Large reads cost a few dozen (and a
 * read takes at most 2 GiB).
 */
const READ_CHUNK_BYTES = 16 * 2 ** 20;
/** Buffers per readv: Linux takes at most IOV_MAX (1,024) in one call. */
const READV_MAX_VIEWS = 1024;
const LOCK_SUFFIX = '.cinedex-lock';
/** A lock older than this was left by a crashed writer. */
const STALE_LOCK_MS = 30_000;

/**
 * The embedded default: a local folder standing in for a bucket. Last-modified is the file's
 * mtime; the ETag is a content hash, cached by (size, mtime) so listing stays cheap. Writes go to
 * a temporary file that is renamed into place, so a reader never sees half an object.
 */
export class FolderStore implements ObjectStore {
  readonly location: string;
  private readonly etags = new Map<string, { size: number; mtimeMs: number; etag: string }>();

  constructor(root: string) {
    this.location = resolve(root);
  }

  async *list(prefix: string, options: { readonly skipEtag?: boolean } = {}): AsyncIterable<StoredObject> {
    const keys: string[] = [];
    await this.walk(this.location, keys);
    keys.sort();
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const object = options.skipEtag === true ? await this.stat(key) : await this.head(key);
      if (object) yield object;
    }
  }

  private async stat(key: string): Promise<StoredObject | undefined> {
    const info = await stat(this.pathOf(key)).catch(missing);
    if (!info?.isFile()) return undefined;
    return { key, size: info.size, lastModified: info.mtime, etag: '', visibleAt: visibility(info) };
  }

  async head(key: string): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    const info = await stat(path).catch(missing);
    if (!info?.isFile()) return undefined;
    const cached = this.etags.get(key);
    let etag = cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs ? cached.etag : undefined;
    if (etag === undefined) {
      const body = await readFile(path).catch(missing);
      if (!body) return undefined;
      etag = hash(body);
      this.etags.set(key, { size: info.size, mtimeMs: info.mtimeMs, etag });
    }
    return { key, size: info.size, lastModified: info.mtime, etag, visibleAt: visibility(info) };
  }

  async get(key: string, options: GetOptions = {}): Promise<{ body: Buffer; object: StoredObject } | undefined> {
    const path = this.pathOf(key);
    const info = await stat(path).catch(missing);
    if (!info?.isFile()) return undefined;
    if (options.maxBytes !== undefined && info.size > options.maxBytes) throw new ObjectTooLargeError(key, info.size, options.maxBytes);
    const body = await readWhole(path).catch(missing);
    if (!body) return undefined;
    if (options.skipEtag === true) return { body, object: { key, size: body.length, lastModified: info.mtime, etag: '' } };
    const etag = hash(body);
    this.etags.set(key, { size: info.size, mtimeMs: info.mtimeMs, etag });
    return { body, object: { key, size: body.length, lastModified: info.mtime, etag } };
  }

  async readInto(key: string, sinkFor: (object: StoredObject) => ByteSink): Promise<StoredObject | undefined> {
    const handle = await open(this.pathOf(key), 'r').catch(missing);
    if (!handle) return undefined;
    try {
      const info = await handle.stat().catch(missing);
      if (!info?.isFile()) return undefined;
      const object = { key, size: info.size, lastModified: info.mtime, etag: '', visibleAt: visibility(info) };
      await pour(handle, info.size, sinkFor(object), key);
      return object;
    } finally {
      await handle.close();
    }
  }

  async put(key: string, body: Buffer, options: PutOptions = {}): Promise<StoredObject> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined;
    const unlock = conditional ? await this.lock(path) : undefined;
    let written: number | undefined;
    try {
      if (conditional) {
        const current = await this.head(key);
        if (options.ifNoneMatch === '*' && current) throw new PreconditionFailedError(`${key} already exists`);
        if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) {
          throw new PreconditionFailedError(
            `${key} changed since it was read (expected ETag ${options.ifMatch}, found ${current?.etag ?? 'no object'})`,
          );
        }
      }
      const temp = `${path}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(body);
        await handle.sync();
        written = (await handle.stat()).ino;
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`could not write ${key} under ${this.location}: ${(error as Error).message}`, { cause: error });
    } finally {
      await unlock?.();
    }
    // The ETag is the hash of the bytes just written (reading a segment back to hash it doubled the
    // cost and memory of writing it), unless another writer's file has replaced ours since.
    const info = await stat(path).catch(missing);
    if (info?.ino !== written || !info.isFile()) {
      const current = await this.head(key);
      if (current === undefined) throw new StoreError(`${key} under ${this.location} was removed as soon as it was written`);
      return current;
    }
    const etag = options.skipEtag === true ? '' : hash(body);
    if (etag !== '') this.etags.set(key, { size: info.size, mtimeMs: info.mtimeMs, etag });
    return { key, size: info.size, lastModified: info.mtime, etag, visibleAt: visibility(info) };
  }

  async putChunks(key: string, chunks: Iterable<Uint8Array>, options: ChunkedPutOptions): Promise<void> {
    const path = this.pathOf(key);
    const temp = `${path}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
    try {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(temp, 'w');
      let written = 0;
      try {
        for (const chunk of chunks) {
          for (let at = 0; at < chunk.length;) at += (await handle.write(chunk, at, chunk.length - at)).bytesWritten;
          written += chunk.length;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (written !== options.length) throw lengthMismatch(key, written, options.length);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      if (error instanceof StoreError) throw error;
      throw new StoreError(`could not write ${key} under ${this.location}: ${(error as Error).message}`, { cause: error });
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await rm(this.pathOf(key), { force: true });
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`could not delete ${key} under ${this.location}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Keys are confined to the root: no absolute paths, no `..`. */
  private pathOf(key: string): string {
    const path = resolve(this.location, key);
    if (key === '' || key.startsWith('/') || key.split('/').includes('..') || !path.startsWith(this.location + sep)) {
      throw new StoreError(`invalid object key "${key}": keys are relative paths inside the store`);
    }
    return path;
  }

  private async walk(dir: string, out: string[]): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(missing);
    for (const entry of entries ?? []) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await this.walk(path, out);
      else if (entry.isFile() && !entry.name.includes(TEMP_MARK) && !entry.name.endsWith(LOCK_SUFFIX)) {
        out.push(relative(this.location, path).split(sep).join('/'));
      }
    }
  }

  /**
   * Cross-process mutual exclusion for conditional writes: an exclusive-create lock file naming its
   * holder. A lock whose holder is a process of this host that no longer runs (it was killed
   * mid-write) is taken over at once; any other lock only once it is older than STALE_LOCK_MS.
   */
  private async lock(path: string): Promise<() => Promise<void>> {
    const lockPath = `${path}${LOCK_SUFFIX}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const handle = await open(lockPath, 'wx');
        await handle.writeFile(`${process.pid} ${hostname()}`);
        await handle.close();
        return () => rm(lockPath, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const info = await stat(lockPath).catch(missing);
        const holder = await readFile(lockPath, 'utf8').catch(() => '');
        if ((info && Date.now() - info.mtimeMs > STALE_LOCK_MS) || heldByDeadProcess(holder)) await rm(lockPath, { force: true });
        if (Date.now() > deadline) throw new StoreError(`timed out waiting for the lock ${lockPath}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}

/** "<pid> <host>" of a process of this host that has exited. */
function heldByDeadProcess(holder: string): boolean {
  const [pid, host] = holder.split(' ');
  if (host !== hostname() || !/^[0-9]+$/.test(pid ?? '')) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The file's bytes in one allocation, read in large chunks. A file cut short while read is returned as far as it goes. */
async function readWhole(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const body = Buffer.allocUnsafe(size);
    let at = 0;
    for (let bytesRead = -1; bytesRead !== 0 && at < size; at += bytesRead)
      ({ bytesRead } = await handle.read(body, at, Math.min(READ_CHUNK_BYTES, size - at), at));
    return at === size ? body : body.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/**
 * The file's `size` bytes into the sink, two reads in flight: the sink takes in one (a segment's
 * reader hashes it) while the thread pool reads the next. Each read takes every view the sink can
 * hand out up to READ_CHUNK_BYTES and fills them with one positional readv, straight into their
 * arrays: a segment's small sections (65 of the seed's 68 are under 1 MiB) cost one trip through
 * the thread pool together, not one each. Objects are replaced by a rename, never written in
 * place, so the open file keeps its size; one cut short anyway ends the sink's view short.
 */
async function pour(handle: FileHandle, size: number, sink: ByteSink, key: string): Promise<void> {
  const reading: { views: Uint8Array[]; read: Promise<number> }[] = [];
  let at = 0;
  try {
    for (;;) {
      while (reading.length < 2 && at < size) {
        const views = gather(sink, Math.min(READ_CHUNK_BYTES, size - at));
        if (views.length === 0) break;
        const read = fillViews(handle, views, at).catch((error: Error) => {
          throw new StoreError(`could not read ${key}: ${error.message}`, { cause: error });
        });
        // Awaited in order below; the later read failing first must not count as an unhandled rejection meanwhile.
        read.catch(() => undefined);
        reading.push({ views, read });
        for (const view of views) at += view.length;
      }
      const first = reading.shift();
      if (first === undefined) return;
      let bytes = await first.read;
      for (const view of first.views) {
        const filled = Math.min(bytes, view.length);
        sink.filled(view, filled);
        bytes -= filled;
        if (filled < view.length) return;
      }
    }
  } finally {
    await Promise.allSettled(reading.map((r) => r.read));
  }
}

/** Views of one read: as many as the sink hands out now, up to `max` bytes and the most buffers one readv takes. */
function gather(sink: ByteSink, max: number): Uint8Array[] {
  const views: Uint8Array[] = [];
  for (let bytes = 0; bytes < max && views.length < READV_MAX_VIEWS;) {
    const view = sink.next(max - bytes);
    if (view === undefined) break;
    views.push(view);
    bytes += view.length;
  }
  return views;
}

/** Reads into all of `views`, in order, from `position`, unless the file ends first: the bytes read. */
async function fillViews(handle: FileHandle, views: Uint8Array[], position: number): Promise<number> {
  let done = 0;
  for (let rest = views; rest.length > 0;) {
    const { bytesRead } = await handle.readv(rest, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
    let left = bytesRead;
    let full = 0;
    while (full < rest.length && left >= rest[full]!.length) left -= rest[full++]!.length;
    rest = full < rest.length ? [rest[full]!.subarray(left), ...rest.slice(full + 1)] : [];
  }
  return done;
}

/** A file is visible from its creation or last write (its ctime then), whatever its mtime says. */
function visibility(info: { mtime: Date; ctime: Date }): Date {
  return info.ctime > info.mtime ? info.ctime : info.mtime;
}

function hash(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 32);
}

function missing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
  throw new StoreError(`file system error: ${error.message}`, { cause: error });
}
