import type { EdgeConfig } from '../../config/edge-config.js';
import { EdgeStartError } from '../../errors/errors.js';
import { createLogger } from '../../runtime/logger.js';
import { createEdge } from '../../edge/server.js';
import { escalateStopSignals } from '../../runtime/stop-signals.js';

/**
 * `cinedex edge`: one process relaying to one origin until SIGTERM or SIGINT, then a graceful drain, which a second
 * signal cuts short and a third abandons.
 */
export async function runEdge(config: EdgeConfig): Promise<void> {
  const log = createLogger(config.logLevel, { role: 'edge' });
  const edge = createEdge({ ...config, log });
  let port: number;
  try {
    port = await edge.listen(config.port, config.host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new EdgeStartError(`cannot listen on ${config.host}:${config.port} (${code}); set EDGE_PORT or --port to a free port`, {
      cause: error,
    });
  }
  escalateStopSignals({
    stop: (signal) => void edge.drain(signal, config.drainSeconds).then(() => process.exit(0)),
    endDrainPeriod: (reason) => edge.endDrainPeriod(reason),
    log,
  });
  // After the stop signals are heeded: a SIGTERM sent on this line must drain, not take node's default exit.
  log.info(
    { port, origin: config.origin, cacheMaxBytes: config.cacheMaxBytes, staleIfErrorSeconds: config.staleIfErrorSeconds },
    'edge relaying',
  );
}
