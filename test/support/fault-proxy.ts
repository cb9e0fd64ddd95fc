import { connect, createServer, type Server, type Socket } from 'node:net';

export type Fault = 'pass' | 'http500' | 'stall' | 'reset';

/** An S3 error answer for every GET of a path: what S3 says of an archived object, or one this identity may not read. */
export interface Refusal {
  /** The request path's start, e.g. `/bucket/inbox/acme/old.json`. */
  readonly path: string;
  readonly status: number;
  /** S3's error code: `InvalidObjectState`, `AccessDenied`, `InternalError`… */
  readonly code: string;
}

/**
 * A TCP proxy in front of a real server that misbehaves on demand: the next `count` connections get
 * `fault`, then traffic passes through; requests for a refused path are answered with its error.
 * Counts connections so tests can see retries happen.
 */
export class FaultProxy {
  connections = 0;
  /** What clients sent through passing connections, as latin1 text: request lines, headers, bodies. */
  sent = '';
  private server: Server | undefined;
  private faults: Fault[] = [];
  private refusals: Refusal[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  inject(fault: Fault, count: number): void {
    this.faults.push(...Array<Fault>(count).fill(fault));
  }

  /** Answers every later GET of `refusal.path` with its error, on connections opened from now on. */
  refuse(refusal: Refusal): void {
    this.refusals.push(refusal);
  }

  /** Stops injecting: every later connection passes through. */
  clear(): void {
    this.faults = [];
    this.refusals = [];
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
      const refusals = this.refusals;
      if (refusals.length === 0) {
        client.on('data', (chunk: Buffer) => (this.sent += chunk.toString('latin1')));
        client.pipe(upstream).pipe(client);
        return;
      }
      // The SDK sends a request only once the previous answer is read, so a chunk that starts a
      // refused GET starts a request: answer it and close, as S3 would answer and the SDK reconnects.
      client.on('data', (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        const refusal = refusals.find((r) => text.startsWith(`GET ${r.path}`));
        if (refusal === undefined) {
          this.sent += text;
          upstream.write(chunk);
          return;
        }
        upstream.destroy();
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>injected by the test</Message></Error>`;
        client.end(
          `HTTP/1.1 ${refusal.status} Refused\r\nContent-Type: application/xml\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      client.on('end', () => upstream.end());
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server?.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
