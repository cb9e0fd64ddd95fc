import { pino, type Logger, type LevelWithSilent } from 'pino';

/** JSON lines on stdout, one logger per process; the cluster worker id rides along when there is one. */
export function createLogger(level: LevelWithSilent, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } });
}
