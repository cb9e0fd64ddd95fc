import { pino, type Logger, type LevelWithSilent } from 'pino';
import { LogBatch } from './log-batch.js';

/** Longest a log line may wait before it is written (in practice it waits for the end of the event loop's turn). */
export const LOG_FLUSH_MS = 1000;

/**
 * JSON lines on stdout, one logger per process. Writes are batched (LogBatch: the lines of one turn of
 * the event loop in one write): one write per log line would cost more than answering
 * the request, and a quiet process still shows each line at once.
 */
export function createLogger(level: LevelWithSilent, bindings: Record<string, unknown> = {}): Logger {
  const destination = new LogBatch(1);
  const logger = pino({ level, base: { pid: process.pid, ...bindings } }, destination);
  // Whatever way the process ends, the buffered lines are written out.
  process.once('exit', () => destination.flushSync());
  return logger;
}
