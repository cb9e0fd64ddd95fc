import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { refusedPort } from './refused-port.js';

test('a refused port refuses connections, and no one can listen on it while it is held', async () => {
  const held = await refusedPort();
  try {
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = connect(held.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    assert.equal(refused, 'ECONNREFUSED');
    const taken = await new Promise<string | undefined>((resolve) => {
      const other = createServer();
      other.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
      other.listen(held.port, '127.0.0.1', () => other.close(() => resolve(undefined)));
    });
    assert.equal(taken, 'EADDRINUSE', 'another server could listen on the port');
  } finally {
    await held.release();
  }
});
