import { write, writeSync } from 'node:fs';

/** Characters waiting beyond which a batch is written at once rather than at the end of the event loop's turn. */
const BATCH_CHARS = 16 * 1024;
/** A full pipe (EAGAIN) is tried again after this. */
const RETRY_MS = 10;

/**
 * Log lines written to a file descriptor in batches: every line written in one turn of the event
 * loop goes out in one `write` at its end (or as soon as 16 KiB wait), one batch at a time. Under load
 * that is one system call per few dozen lines; a quiet process writes each line at once, so nothing
 * waits for a timer. The write is synchronous, as node's own stdout is on Linux for files and pipes:
 * a consumer that stops reading a blocking pipe holds the process up rather than its memory.
 *
 * Why not pino's own destination (sonic-boom): measured on request log lines (docs/performance.md),
 * it costs ~6 µs of CPU per line against ~2 µs here, because each line appended measures the whole
 * pending buffer (`Buffer.byteLength`, up to 16 KiB) and flattens it; a list of lines joined once per
 * batch does that work once.
 */
export class LogBatch {
  private pending: string[] = [];
  private chars = 0;
  /** The bytes of the batch being written, and how many of them are written. */
  private inFlight: { bytes: Buffer; written: number } | undefined;
  private scheduled = false;

  constructor(private readonly fd: number) {}

  /** pino's destination interface. */
  write(line: string): boolean {
    this.pending.push(line);
    this.chars += line.length;
    if (this.chars >= BATCH_CHARS) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.endOfTurn);
    }
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

  private readonly endOfTurn = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private take(): string {
    const text = this.pending.join('');
    this.pending = [];
    this.chars = 0;
    return text;
  }

  /**
   * One synchronous `write` of the batch: a write through libuv's thread pool (fs.write) cost a thread's wake-up and
   * the completion's return to the loop per batch, several times the system call itself, and below saturation
   * nearly every batch is a line or two (docs/performance.md, issue 21). What a full non-blocking pipe does not take
   * is written asynchronously, as it drains, with the lines after it held meanwhile.
   */
  private flush(): void {
    if (this.inFlight !== undefined || this.pending.length === 0) return;
    const bytes = Buffer.from(this.take());
    let written = 0;
    try {
      written = writeSync(this.fd, bytes);
    } catch (error) {
      // Any other failure drops this batch: a log that cannot be written must not stop the answers.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
    if (written === bytes.length) return;
    this.inFlight = { bytes, written };
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
