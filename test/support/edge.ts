import { pino } from 'pino';
import { createEdge, type Edge, type EdgeOptions } from '../../src/edge/server.js';

export interface RunningEdge {
  readonly edge: Edge;
  readonly base: string;
  readonly port: number;
  /** A metric's value from /metrics, 0 when absent. */
  metric(line: string): Promise<number>;
  close(): Promise<void>;
}

/** The edge in-process on an ephemeral loopback port, relaying to `origin`. */
export async function startEdge(origin: string, options: Partial<EdgeOptions> = {}): Promise<RunningEdge> {
  const edge = createEdge({
    origin,
    cacheMaxBytes: 1024 * 1024,
    upstreamTimeoutSeconds: 5,
    staleIfErrorSeconds: 60,
    maxUpstreamConcurrency: 16,
    log: pino({ level: 'silent' }),
    ...options,
  });
  const port = await edge.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  return {
    edge,
    base,
    port,
    metric: async (name) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? 0 : Number(line.slice(name.length + 1));
    },
    close: () => {
      edge.server.closeAllConnections();
      return edge.close();
    },
  };
}
