import type { EdgeConfig } from '../../config/edge-config.js';
import { EdgeStartError } from '../../errors/errors.js';
import { createLogger } from '../../runtime/logger.js';
import { createEdge } from '../../edge/server.js';

/** `cinedex edge`: one process relaying to one origin until SIGTERM or SIGINT, then a graceful drain. */
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
  const stop = async (reason: string) => {
    await edge.drain(reason, config.drainSeconds);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
