import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server } from 'node:net';
import { join } from 'node:path';
import { freePort, startServe } from './cli-process.js';
import { distCli } from './paths.js';
import { tinySeed } from './tiny-seed.js';

/**
 * startServe's retry: the port freePort found is taken before the child listens (another test file's server got it
 * from the kernel meanwhile). The collision is forced by handing out a port an occupant already holds; the child is
 * the real `cinedex serve`, over a seed of two movies, so what is checked is what the helper reads from it: its
 * EADDRINUSE and the pid in /v1/status.
 */
const { folder, seed } = tinySeed('cinedex-start-serve-');
const env = () => ({
  MOVIES_SEED: seed,
  MOVIES_DATA_DIR: mkdtempSync(join(folder, 'data-')),
  MOVIES_WORKERS: '1',
  MOVIES_INGEST_INTERVAL: '0',
  MOVIES_REFRESH_INTERVAL: '0',
});

interface Occupant {
  readonly port: number;
  /** Request targets it was asked for, or connections it dropped. */
  readonly seen: string[];
  close(): Promise<void>;
}

const occupants: Occupant[] = [];
after(async () => {
  for (const o of occupants) await o.close();
});

async function occupy(server: Server, seen: string[]): Promise<Occupant> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const occupant = {
    port: (server.address() as { port: number }).port,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  occupants.push(occupant);
  return occupant;
}

/** An HTTP server that answers 200 to every path, as a test's scripted origin does; `status` is its /v1/status. */
function httpOccupant(status: Record<string, unknown>): Promise<Occupant> {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(req.url === '/v1/status' ? status : { url: req.url }));
  });
  return occupy(server, seen);
}

/** A listener that is not HTTP: it drops every connection. */
function droppingOccupant(): Promise<Occupant> {
  const seen: string[] = [];
  return occupy(
    createNetServer((socket) => {
      seen.push('connection');
      socket.destroy();
    }),
    seen,
  );
}

/** The given ports first, then free ones; records every port handed out. */
function portsFrom(first: readonly number[]): { handed: number[]; pick: () => Promise<number> } {
  const queue = [...first];
  const handed: number[] = [];
  return {
    handed,
    pick: async () => {
      const port = queue.shift() ?? (await freePort());
      handed.push(port);
      return port;
    },
  };
}

async function statusPid(base: string): Promise<unknown> {
  return ((await (await fetch(`${base}/v1/status`)).json()) as { pid?: unknown }).pid;
}

describe('startServe when the port it picked is taken before the child listens', () => {
  const occupied: [string, () => Promise<Occupant>][] = [
    ['a server answering every path with 200 and no pid (a scripted origin)', () => httpOccupant({ url: '/v1/status' })],
    ["another cinedex: /v1/status names a pid that is neither the child's nor a worker's", () => httpOccupant({ pid: process.pid })],
    ['a listener that is not HTTP: the child fails with EADDRINUSE', droppingOccupant],
  ];
  for (const [what, open] of occupied) {
    test(`${what}: started again on another port, and the server returned is the child`, async () => {
      const occupant = await open();
      const ports = portsFrom([occupant.port]);
      const serve = await startServe(env(), 60_000, undefined, distCli, ports.pick);
      try {
        assert.equal(ports.handed.length, 2, 'one lost port, then one start');
        assert.equal(ports.handed[0], occupant.port);
        assert.ok(occupant.seen.length > 0, 'the first start did meet the occupant');
        assert.equal(serve.port, ports.handed[1]);
        assert.equal(await statusPid(serve.base), serve.child.pid, 'the server returned is the child');
      } finally {
        await serve.stop();
      }
    });
  }

  test('gives up after three lost ports, with an error naming each port and what held it', async () => {
    const taken = [await httpOccupant({}), await droppingOccupant(), await httpOccupant({ pid: process.pid })];
    const ports = portsFrom(taken.map((o) => o.port));
    const [scripted, dropping, other] = taken.map((o) => o.port);
    // A start that should have given up is stopped, not left running (it would hold the test file open).
    const outcome = await startServe(env(), 60_000, undefined, distCli, ports.pick).then(
      async (serve) => (await serve.stop(), new Error(`started on port ${serve.port}`)),
      (error: unknown) => error,
    );
    assert.match(
      String(outcome),
      new RegExp(
        `^Error: cinedex serve lost its port to another process 3 times in a row \\(` +
          `port ${scripted}: another server answered /readyz, and its /v1/status names no pid; ` +
          `port ${dropping}: the child could not listen \\(EADDRINUSE\\); ` +
          `port ${other}: another server answered /readyz: pid ${process.pid}, not the child \\(\\d+\\) or one of its workers\\)$`,
      ),
    );
    assert.deepEqual(ports.handed, [scripted, dropping, other], 'no fourth start');
  });
});
