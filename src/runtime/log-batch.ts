import { write, writeSync } from 'node:fs';

/** Bytes waiting beyond which a batch is written at once. */
const BATCH_BYTES = 16 * 1024;
/** The batch buffer's size: a full batch and the longest usual line; a longer line grows it. */
const BUFFER_BYTES = 64 * 1024;
/** A batch whose first line is this old is written with the next line that comes. */
const BATCH_MS = 10;
/**
 * Longest a line waits when no other line follows it: the timer that writes it then. Ten times BATCH_MS, so that under
 * steady traffic of 100 lines a second or more a batch is written by a line before its timer fires (and the timer,
 * cleared, never wakes the process).
 */
export const LOG_WAIT_MS = 10 * BATCH_MS;
/** A full pipe (EAGAIN) is tried again after this. */
const RETRY_MS = 10;

/**
 * Log lines written to a file descriptor in batches: a line that comes BATCH_MS or more after the last write goes
 * out at once; one that comes sooner starts a batch, written by the first line that finds it BATCH_MS old (or 16 KiB
 * full), or by a timer LOG_WAIT_MS after its first line when no line follows. Under load that is one system call per
 * few dozen lines, below saturation one per 10 ms rather than one per turn of the event loop, and a quiet process
 * writes each line at once; a line waits at most 100 ms. The write is synchronous,
 * as node's own stdout is on Linux for files and pipes: a consumer that stops reading a blocking pipe holds the
 * process up rather than its memory.
 *
 * Why not one write per turn of the event loop (the batch before this one): below saturation a turn holds a line
 * or two, so nearly every request paid a whole `write` and a `setImmediate`, ~4 µs of a line's ~6 (docs/investigations/cached-answer.md,
 * issue 21, 2026-12-05). Why a timer that rarely fires rather than one per batch: a timer that fires wakes an idle
 * process, a context switch and cold caches, dearer than the write it saves (issue 21's fourth pass).
 *
 * Why not pino's own destination (sonic-boom): measured on request log lines (docs/investigations/cached-answer.md), it costs
 * ~4–6 µs of CPU per line with or without its `minLength` buffer, because each line appended measures the whole
 * pending buffer (`Buffer.byteLength`, up to 16 KiB) and flattens it.
 *
 * Why a Buffer the lines are encoded into rather than a string appended to: a writer that knows its line's parts (the
 * request line, http/request-line-bytes.ts) writes them straight into it (`reserve`, then `commit`), with no string made for
 * the line at all; pino's lines (strings) are encoded into it as they come, once, as the system call would have.
 */
export class LogBatch {
  private bytes = Buffer.allocUnsafe(BUFFER_BYTES);
  /** How many bytes of `bytes` the batch holds. */
  private used = 0;
  /** When the batch's first line came (Date.now()). */
  private since = 0;
  /** When the last batch was written (Date.now()). */
  private wrote = 0;
  /** The clock the line being written was dated by (`reserve`). */
  private now = 0;
  /** Whether the line being written is the batch's first. */
  private first = false;
  private timer: NodeJS.Timeout | undefined;
  /** The bytes of the batch being written asynchronously (a full pipe), and how many of them are written. */
  private inFlight: { bytes: Buffer; written: number } | undefined;

  constructor(private readonly fd: number) {}

  /** pino's destination interface. (`utf8Write` is node's encoder behind `Buffer.write`, called without its checks.) */
  write(line: string): boolean {
    // UTF-16 code units to UTF-8 bytes: at most three bytes a unit (a surrogate pair's four bytes are two units).
    const at = this.reserve(3 * line.length, Date.now());
    this.commit(at + (this.bytes as Buffer & { utf8Write(text: string, offset: number): number }).utf8Write(line, at));
    return true;
  }

  /**
   * Room for a line of at most `most` bytes dated `now` (Date.now()): the buffer to write it into (`buffer()`) from the
   * returned offset. `commit` must follow, before any other line, with where the line ends.
   */
  reserve(most: number, now: number): number {
    this.now = now;
    this.first = this.used === 0;
    if (this.first) this.since = now;
    if (this.used + most > this.bytes.length) {
      // A line that would not fit: the batch goes first (by size, as it would have with this line), or, while a write
      // is in flight or the line is longer than the buffer, the buffer grows.
      if (!this.first) this.flush();
      if (this.used + most > this.bytes.length) {
        const larger = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.used + most));
        this.bytes.copy(larger, 0, 0, this.used);
        this.bytes = larger;
      }
      this.first = this.used === 0;
      if (this.first) this.since = now;
    }
    return this.used;
  }

  /** The buffer a reserved line is written into; valid until `commit`. */
  buffer(): Buffer {
    return this.bytes;
  }

  /** Ends the line `reserve` made room for at `end`, and writes the batch if it is due. */
  commit(end: number): void {
    this.used = end;
    const now = this.now;
    if (this.first) {
      // After a quiet spell the line goes at once, as a quiet process's lines (and a thread's last ones) should.
      if (now - this.wrote >= BATCH_MS && this.inFlight === undefined) {
        this.flush();
        return;
      }
      this.timer ??= setTimeout(this.onTimer, LOG_WAIT_MS).unref();
    }
    if (this.used >= BATCH_BYTES || now - this.since >= BATCH_MS) this.flush();
  }

  /**
   * Writes everything still held, synchronously: for the process's exit. A batch whose asynchronous
   * write has not finished is written again from where it had got to, so its lines may appear twice
   * but are never lost.
   */
  flushSync(): void {
    const rest = this.inFlight === undefined ? [] : [this.inFlight.bytes.subarray(this.inFlight.written)];
    this.inFlight = undefined;
    const bytes = Buffer.concat([...rest, this.bytes.subarray(0, this.used)]);
    this.take();
    for (let at = 0, tries = 0; at < bytes.length && tries < 100;) {
      try {
        at += writeSync(this.fd, bytes, at);
      } catch {
        tries++;
      }
    }
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.flush();
  };

  /** Empties the batch (its bytes stay in the buffer until overwritten) and clears its timer. */
  private take(): void {
    this.used = 0;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /**
   * One synchronous `write` of the batch's bytes: a write through libuv's thread pool (fs.write) cost a thread's
   * wake-up and the completion's return to the loop per batch, several times the system call itself
   * (docs/investigations/cached-answer.md, issue 21). What a full non-blocking pipe does not take is written
   * asynchronously, as it drains, from the batch's own buffer (a new one takes the lines after it, held meanwhile).
   */
  private flush(): void {
    if (this.inFlight !== undefined || this.used === 0) return;
    this.wrote = Date.now();
    const length = this.used;
    this.take();
    let written = 0;
    try {
      written = writeSync(this.fd, this.bytes, 0, length);
    } catch (error) {
      // Any other failure drops this batch: a log that cannot be written must not stop the answers.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
    if (written === length) return;
    this.inFlight = { bytes: this.bytes.subarray(0, length), written };
    this.bytes = Buffer.allocUnsafe(BUFFER_BYTES);
    this.send();
  }

  private send(): void {
    const batch = this.inFlight;
    if (batch === undefined) return;
    write(this.fd, batch.bytes, batch.written, batch.bytes.length - batch.written, null, (error, written) => {
      if (error !== null && error.code === 'EAGAIN') {
        setTimeout(() => this.send(), RETRY_MS).unref();
        return;
      }
      // Any other failure drops this batch: a log that cannot be written must not stop the answers.
      batch.written += error === null ? written : batch.bytes.length;
      if (batch.written < batch.bytes.length) return this.send();
      this.inFlight = undefined;
      this.flush();
    });
  }
}
