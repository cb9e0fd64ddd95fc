import { write, writeSync } from 'node:fs';

/** Characters waiting beyond which a batch is written at once. */
const BATCH_CHARS = 16 * 1024;
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
 * pending buffer (`Buffer.byteLength`, up to 16 KiB) and flattens it; one string appended to and written as it is
 * does that work once.
 */
export class LogBatch {
  private pending = '';
  /** When the batch's first line came (Date.now()). */
  private since = 0;
  /** When the last batch was written (Date.now()). */
  private wrote = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The bytes of the batch being written asynchronously (a full pipe), and how many of them are written. */
  private inFlight: { bytes: Buffer; written: number } | undefined;

  constructor(private readonly fd: number) {}

  /** pino's destination interface. */
  write(line: string): boolean {
    const now = Date.now();
    if (this.pending === '') {
      this.since = now;
      // After a quiet spell the line goes at once, as a quiet process's lines (and a thread's last ones) should.
      if (now - this.wrote >= BATCH_MS && this.inFlight === undefined) {
        this.pending = line;
        this.flush();
        return true;
      }
      this.timer ??= setTimeout(this.onTimer, LOG_WAIT_MS).unref();
    }
    this.pending += line;
    if (this.pending.length >= BATCH_CHARS || now - this.since >= BATCH_MS) this.flush();
    return true;
  }

  /**
   * Writes everything still held, synchronously: for the process's exit. A batch whose asynchronous
   * write has not finished is written again from where it had got to, so its lines may appear twice
   * but are never lost.
   */
  flushSync(): void {
    const rest = this.inFlight === undefined ? [] : [this.inFlight.bytes.subarray(this.inFlight.written)];
    this.inFlight = undefined;
    const bytes = Buffer.concat([...rest, Buffer.from(this.take())]);
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

  private take(): string {
    const text = this.pending;
    this.pending = '';
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    return text;
  }

  /**
   * One synchronous `write` of the batch, the string as it is (node encodes it into the system call's buffer, with no
   * Buffer made here): a write through libuv's thread pool (fs.write) cost a thread's wake-up and the completion's
   * return to the loop per batch, several times the system call itself (docs/investigations/cached-answer.md, issue 21). What a full
   * non-blocking pipe does not take is written asynchronously, as it drains, with the lines after it held meanwhile.
   */
  private flush(): void {
    if (this.inFlight !== undefined || this.pending === '') return;
    this.wrote = Date.now();
    const text = this.take();
    let written = 0;
    try {
      written = writeSync(this.fd, text);
    } catch (error) {
      // Any other failure drops this batch: a log that cannot be written must not stop the answers.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
    if (written === Buffer.byteLength(text)) return;
    this.inFlight = { bytes: Buffer.from(text), written };
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
