import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { freePort } from './cli-process.js';
import { startMoto } from './moto-server.js';

/**
 * startMoto's retry: the port freePort found is taken before moto binds it (another test file's server got it from
 * the kernel meanwhile). The collision is forced by handing out a port an HTTP server already holds; moto is the real
 * moto_server, so what is checked is what the helper reads from it: its "in use" line and its "Running on" line.
 */
const held: Server[] = [];
after(async () => {
  await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Request targets the occupants were asked for. */
const seen: string[] = [];

/** A port held for the rest of the file by a server answering 200 to everything, as a moto would to /moto-api/. */
async function heldPort(): Promise<number> {
  const server = createServer((request, response) => {
    seen.push(request.url ?? '');
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  held.push(server);
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

test('moto started on a port another process holds is started again on another, and the moto returned answers', async () => {
  const taken = await heldPort();
  const picked: number[] = [];
  let calls = 0;
  const moto = await startMoto({
    pickPort: async () => {
      calls += 1;
      if (calls === 1) return taken;
      const port = await freePort();
      picked.push(port);
      return port;
    },
  });
  try {
    assert.equal(calls, 2, 'one lost port, then one start');
    assert.deepEqual(seen, [], 'the occupant was never taken for moto');
    assert.equal(new URL(moto.endpoint).port, String(picked[0]));
    // It is the moto configured: the bucket exists and an upload to the inbox is listed there.
    await moto.put('probe.json', '[]');
    const keys: string[] = [];
    for await (const object of moto.store('inbox/').list('')) keys.push(object.key);
    assert.deepEqual(keys, ['probe.json']);
  } finally {
    await moto.close();
  }
});

test('gives up after three lost ports, naming each', async () => {
  const ports = [await heldPort(), await heldPort(), await heldPort()];
  let next = 0;
  await assert.rejects(startMoto({ pickPort: async () => ports[next++] as number }), (error: Error) => {
    assert.match(error.message, /moto lost its port to another process 3 times in a row/);
    for (const port of ports) assert.match(error.message, new RegExp(`\\b${port}\\b`));
    return true;
  });
  assert.equal(next, 3);
});
