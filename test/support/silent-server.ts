import { createServer, type Server, type Socket } from 'node:net';

export interface SilentServer {
  readonly base: string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Resolves at the next accepted connection. */
  readonly nextConnection: () => Promise<void>;
  close(): Promise<void>;
}

/** A real TCP server that accepts connections and never answers: what a hung upstream looks like. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let waiting: (() => void)[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    for (const resolve of waiting) resolve();
    waiting = [];
  });
  let accepted = 0;
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    nextConnection: () => new Promise<void>((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
