import { pino, type Logger, type LevelWithSilent } from 'pino';
import { LogBatch } from './log-batch.js';

/**
 * JSON lines on stdout, one logger per process. Writes are batched (LogBatch: the lines of up to 10 ms in
 * one write): one write per log line would cost more than answering the request; a quiet process's lines
 * show at once, and any line within LOG_WAIT_MS (100 ms).
 */
export function createLogger(level: LevelWithSilent, bindings: Record<string, unknown> = {}): Logger {
  const destination = new LogBatch(1);
  const logger = pino({ level, base: { pid: process.pid, ...bindings } }, destination);
  // Whatever way the process ends, the buffered lines are written out.
  process.once('exit', () => destination.flushSync());
  return logger;
}
