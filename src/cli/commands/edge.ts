import type { EdgeConfig } from '../../config/edge-config.js';
import { EdgeStartError } from '../../errors/errors.js';
import { createLogger } from '../../runtime/logger.js';
import { createEdge } from '../../edge/server.js';

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
  log.info(
    { port, origin: config.origin, cacheMaxBytes: config.cacheMaxBytes, staleIfErrorSeconds: config.staleIfErrorSeconds },
    'edge relaying',
  );
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      void edge.drain(signal, config.drainSeconds).then(() => process.exit(0));
    } else if (signals === 2) {
      // Its sender will not wait the period out, but the requests in flight still finish (node's default for a
      // signal would cut them).
      edge.endDrainPeriod(`second ${signal}`);
    } else {
      // A request that never finishes (a client that stops reading) would otherwise keep the edge up: the third
      // signal is the way out short of SIGKILL, as node's default would have been at the first.
      log.warn({ signal }, 'third signal: exiting now, without waiting for the requests in flight');
      process.exit(1);
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
