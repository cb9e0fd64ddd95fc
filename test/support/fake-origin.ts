import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type OriginHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * An origin the test scripts: each request is recorded (URL, headers, concurrency), then answered by
 * the current handler, which a test swaps to make the origin slow, failing or resetting.
 *
 * `accepts` names the requests it is there for. Its port is the kernel's pick, and another test file running
 * beside this one may have been told the same port by freePort a moment earlier and send to it (startServe's
 * probes, a client of a server that lost its port to this one): those get 421 and are neither recorded nor
 * counted in flight, so the counts are of what the client under test sent.
 */
export class FakeOrigin {
  readonly requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** TCP connections accepted: fewer than requests when the client keeps them alive. */
  connections = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    public handler: OriginHandler,
    accepts: (req: IncomingMessage) => boolean = () => true,
  ) {
    this.server = createServer((req, res) => {
      if (!accepts(req)) {
        res.writeHead(421, { connection: 'close' }).end();
        return;
      }
      this.requests.push({ url: req.url ?? '', headers: req.headers });
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      res.once('close', () => this.inFlight--);
      void Promise.resolve(this.handler(req, res)).catch(() => res.destroy());
    });
    this.server.on('connection', (socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  count(url: string): number {
    return this.requests.filter((r) => r.url === url).length;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A JSON answer with the given Cache-Control (and ETag when given). */
export function json(res: ServerResponse, body: unknown, cacheControl?: string, extra: Record<string, string> = {}, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(cacheControl ? { 'cache-control': cacheControl } : {}),
    ...extra,
  });
  res.end(text);
}
