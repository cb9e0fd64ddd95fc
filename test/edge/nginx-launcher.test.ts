import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, waitFor } from '../support/cli-process.js';
import { FakeOrigin, json } from '../support/fake-origin.js';
import { edgeNginxConf, nginxBinary, nginxVersion, startNginxEdge } from '../support/nginx-process.js';
import { allowedCores, childProcesses } from '../support/processes.js';

describe('the nginx launcher the tests and the capacity benchmark share', () => {
  let origin: FakeOrigin | undefined;
  let host = '';

  before(async () => {
    nginxBinary(); // fails at once when nginx is missing
    origin = new FakeOrigin((_req, res) => json(res, { ok: true }, 'public, max-age=60'));
    host = (await origin.start()).replace('http://', '');
  });

  after(async () => {
    await origin?.close();
  });

  test('nginx -v is read', () => {
    assert.match(nginxVersion() ?? '', /^nginx\/\d+\.\d+/);
  });

  test('by default the committed worker_processes holds, and nothing is pinned', async () => {
    const committed = Number(/^worker_processes\s+(\d+);$/m.exec(readFileSync(edgeNginxConf, 'utf8'))?.[1]);
    const edge = await startNginxEdge(host);
    try {
      assert.equal(edge.workerPids().length, committed);
      for (const pid of [edge.pid, ...edge.workerPids()])
        assert.equal(allowedCores(pid), allowedCores(process.pid), 'inherited, not pinned');
    } finally {
      await edge.stop();
    }
  });

  test('with a worker count and a core: that many workers, master and workers on that core, each request in the access log', async () => {
    const edge = await startNginxEdge(host, { workers: 2, core: 0 });
    try {
      const workers = edge.workerPids();
      assert.equal(workers.length, 2);
      const children = childProcesses(edge.pid);
      for (const pid of workers) assert.match(children.find((c) => c.pid === pid)?.cmdline ?? '', /^nginx: worker process/);
      assert.ok(!workers.includes(edge.pid));
      // Pinning asked for is pinning done: without taskset the launch itself fails, naming it.
      for (const pid of [edge.pid, ...workers]) assert.equal(allowedCores(pid), '0', `pid ${pid}`);
      for (const cache of ['MISS', 'HIT']) assert.equal((await fetch(`${edge.base}/launcher`)).headers.get('x-cache'), cache);
      // nginx writes a line once its answer is sent: the client may read the answer first, and on a loaded machine
      // the line can come seconds later (2 s was the bound here). A line that never comes fails at the deadline.
      const lines = () => readFileSync(edge.accessLog, 'utf8').split('\n').filter(Boolean);
      await waitFor(async () => lines().length >= 2, 30_000, 'the two access log lines');
      assert.deepEqual(
        lines().map((l) => (JSON.parse(l) as { cache: string }).cache),
        ['MISS', 'HIT'],
      );
    } finally {
      await edge.stop();
    }
  });

  test('a port taken before nginx binds it: tried again on another, never the occupant answering /healthz for it', async () => {
    // The occupant answers every path, /healthz too, as a cinedex serve or another nginx would: without the pid file
    // check the launcher took it for nginx, which was meanwhile failing to bind.
    let occupantRequests = 0;
    const occupant = createServer((_req, res) => (occupantRequests++, res.end('occupant')));
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    const taken = (occupant.address() as AddressInfo).port;
    const ports = [taken];
    const edge = await startNginxEdge(host, { pickPort: async () => ports.shift() ?? freePort() });
    try {
      assert.notEqual(edge.base, `http://127.0.0.1:${taken}`);
      assert.equal(ports.length, 0, 'the taken port was tried first');
      const answer = await fetch(`${edge.base}/retried`);
      assert.deepEqual(await answer.json(), { ok: true }, "the origin's answer, through nginx");
      assert.equal(answer.headers.get('x-cache'), 'MISS');
      assert.equal(occupantRequests, 0, 'nothing was sent to the occupant');
    } finally {
      await edge.stop();
      await new Promise((resolve) => occupant.close(resolve));
    }
  });
});
