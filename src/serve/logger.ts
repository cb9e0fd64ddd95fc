import { pino, type Logger, type LevelWithSilent } from 'pino';

/**
 * JSON lines on stdout, one logger per process. Writes are buffered (sonic-boom, async): one log
 * line per request written synchronously would cost more than answering the request.
 */
export function createLogger(level: LevelWithSilent, bindings: Record<string, unknown> = {}): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logger = pino({ level, base: { pid: process.pid, ...bindings } }, destination);
  // Whatever way the process ends, the buffered lines are written out.
  process.once('exit', () => destination.flushSync());
  return logger;
}
