import { connect, createServer, type Server, type Socket } from 'node:net';

export type Fault = 'pass' | 'http500' | 'stall' | 'reset';

/**
 * A TCP proxy in front of a real server that misbehaves on demand: the next `count` connections get
 * `fault`, then traffic passes through. Counts connections so tests can see retries happen.
 */
export class FaultProxy {
  connections = 0;
  /** What clients sent through passing connections, as latin1 text: request lines, headers, bodies. */
  sent = '';
  private server: Server | undefined;
  private faults: Fault[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  inject(fault: Fault, count: number): void {
    this.faults.push(...Array<Fault>(count).fill(fault));
  }

  /** Stops injecting: every later connection passes through. */
  clear(): void {
    this.faults = [];
  }

  async start(): Promise<number> {
    this.server = createServer((client) => {
      this.connections++;
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => {});
      const fault = this.faults.shift() ?? 'pass';
      if (fault === 'stall') return;
      if (fault === 'reset') {
        client.once('data', () => client.resetAndDestroy());
        return;
      }
      if (fault === 'http500') {
        client.once('data', () => {
          const body = '<Error><Code>InternalError</Code><Message>injected</Message></Error>';
          client.end(
            `HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
          );
        });
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      upstream.on('error', () => client.destroy());
      client.on('data', (chunk: Buffer) => (this.sent += chunk.toString('latin1')));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server?.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
