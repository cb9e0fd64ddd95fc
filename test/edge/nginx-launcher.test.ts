import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
      // nginx writes a line once its answer is sent: the client may read the answer first.
      const logged = async () => {
        for (let i = 0; ; i++) {
          const lines = readFileSync(edge.accessLog, 'utf8').split('\n').filter(Boolean);
          if (lines.length >= 2 || i === 40) return lines.map((l) => (JSON.parse(l) as { cache: string }).cache);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      assert.deepEqual(await logged(), ['MISS', 'HIT']);
    } finally {
      await edge.stop();
    }
  });
});
