import { connect, createServer, type Socket } from 'node:net';

export interface RefusedPort {
  readonly port: number;
  release(): Promise<void>;
}

/**
 * A loopback port that refuses connections for as long as it is held, and that no other process can listen on
 * meanwhile: the local port of a connection of ours (bound, not listening). A port freePort found free and closed again
 * is only free: another test file's server can take it before the test connects, and answer where a refusal was meant.
 */
export async function refusedPort(): Promise<RefusedPort> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => void accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
  const port = client.localPort;
  if (port === undefined) throw new Error('the connection has no local port');
  return {
    port,
    release: async () => {
      client.destroy();
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
