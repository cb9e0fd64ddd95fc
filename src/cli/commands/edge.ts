import type { EdgeConfig } from '../../config/edge-config.js';
import { EdgeStartError } from '../../errors/errors.js';
import { createLogger } from '../../runtime/logger.js';
import { createEdge } from '../../edge/server.js';

/** `cinedex edge`: one process relaying to one origin until SIGTERM or SIGINT, then a graceful drain, which a second one cuts short. */
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
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal ends the drain period: its sender will not wait it out. Without a handler for it, node's
    // default would kill the process at once and cut the requests in flight.
    if (stopping) return edge.endDrainPeriod(`second ${signal}`);
    stopping = true;
    void edge.drain(signal, config.drainSeconds).then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
