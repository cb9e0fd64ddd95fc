import { pino, type Logger, type LevelWithSilent } from 'pino';

/** Longest a log line waits in the buffer: a quiet process must still show its logs at once. */
export const LOG_FLUSH_MS = 1000;

/**
 * JSON lines on stdout, one logger per process. Writes are buffered (sonic-boom, async, in 4 KiB
 * batches): one write per log line would cost more than answering the request. A buffer that is
 * only flushed when full would hold a quiet process's lines (its errors too) indefinitely, so it is
 * also flushed every LOG_FLUSH_MS.
 */
export function createLogger(level: LevelWithSilent, bindings: Record<string, unknown> = {}): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_MS });
  const logger = pino({ level, base: { pid: process.pid, ...bindings } }, destination);
  // Whatever way the process ends, the buffered lines are written out.
  process.once('exit', () => destination.flushSync());
  return logger;
}
