import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnServe } from '../support/cli-child.js';
import { tinySeed } from '../support/tiny-seed.js';
import { settlesWithin } from '../../src/runtime/settles-within.js';

/**
 * `cinedex serve`'s stop signals, over the real process and its sockets: the first SIGTERM drains, the second ends
 * the drain period at once (a request in flight still finishes), the third exits at once with 1; a cluster primary
 * passes the second on to its workers. The drain period asked is an hour, so that only the second signal can end it,
 * and every step waits on the child's log line that says it happened, not on a moment; but for the test of the period
 * itself, which bounds it from below by the child's own clock.
 */
const { folder, seed } = tinySeed('cinedex-serve-signals-');

function start(workers: number, drainSeconds = 3600) {
  return spawnServe({
    MOVIES_SEED: seed,
    MOVIES_DATA_DIR: mkdtempSync(join(folder, 'data-')),
    MOVIES_WORKERS: String(workers),
    MOVIES_DRAIN_SECONDS: String(drainSeconds),
    MOVIES_INGEST_INTERVAL: '0',
    MOVIES_REFRESH_INTERVAL: '0',
  });
}

/** A bound far from the moment it waits for, so that a signal left unheeded fails the test, not the runner's limit. */
const BOUND_MS = 30_000;

/** Whether `pid` has exited (a zombie counts: nothing may reap orphans here). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

/**
 * A keep-alive connection to the server holding a request in flight: a first request answered (so the connection is
 * in a serving process before any signal), then a second whose head is sent without its last line, which the server
 * counts as a request under way, not an idle connection. `finish` sends the last line.
 */
async function requestInFlight(base: string) {
  const socket: Socket = connect(Number(new URL(base).port), '127.0.0.1');
  let data = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (data += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
  for (const deadline = Date.now() + BOUND_MS; !/\r\n\r\n[\s\S]*ok/i.test(data); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`no answer to the first request: ${JSON.stringify(data)}`);
  }
  const first = data;
  data = '';
  socket.write('GET /v1/movies?limit=1 HTTP/1.1\r\nHost: test\r\n');
  return {
    first,
    closed,
    /** Everything the server sent after the first answer. */
    received: () => data,
    finish: () => socket.write('\r\n'),
    destroy: () => socket.destroy(),
  };
}

/** The lines, each after the one before it, in the output. */
function inOrder(output: string, msgs: readonly string[]): boolean {
  let at = -1;
  for (const msg of msgs) {
    at = output.indexOf(`"msg":"${msg}`, at + 1);
    if (at === -1) return false;
  }
  return true;
}

test('SIGTERM alone: the process waits out MOVIES_DRAIN_SECONDS before it closes, by its own clock, and exits 0', async () => {
  const serve = start(1, 2);
  try {
    await serve.listening();
    serve.child.kill('SIGTERM');
    // The period plus a bound far from the moment it takes: a timer that never fires fails here, not at the runner's limit.
    assert.ok(await settlesWithin(serve.exited, 2000 + BOUND_MS), `the drain ended:\n${serve.output}`);
    assert.equal(await serve.exited, 0, serve.output);
    // A lower bound between two of the child's own timestamps. Not the whole 2,000 ms: libuv dates a timer from its
    // loop's time, taken when the loop's turn began, before the "draining" line's own clock read; a process paused in
    // between (a loaded machine) sees the timer fire that much sooner after the line. A drain cut to half its period
    // (1,000 ms) still fails it.
    const [draining] = serve.lines('draining');
    const [over] = serve.lines('drain period over');
    assert.ok(draining && over, serve.output);
    assert.ok((over.time as number) - (draining.time as number) >= 1500, `the period was waited out:\n${serve.output}`);
    assert.equal(serve.logged('drain period ended early'), -1, serve.output);
  } finally {
    serve.child.kill('SIGKILL');
  }
});

describe('cinedex serve: a second signal ends the drain period, a third exits at once', () => {
  for (const workers of [1, 2]) {
    const who = workers === 1 ? 'one process' : 'a cluster primary and 2 workers';

    test(`${who}: the second SIGTERM ends the drain period, the request in flight still gets its answer, exit 0`, async () => {
      const serve = start(workers);
      const { child } = serve;
      try {
        const base = await serve.listening(workers);
        const held = await requestInFlight(base);
        assert.match(held.first, /^HTTP\/1.1 200/, held.first);
        child.kill('SIGTERM');
        await serve.awaitLine('draining', workers);
        assert.equal((await fetch(`${base}/readyz`)).status, 503, 'readiness is 503 from the start of the drain');
        assert.equal(serve.logged('drain period over'), -1, `the drain period is still on:\n${serve.output}`);
        child.kill('SIGTERM');
        await serve.awaitLine('drain period over', workers);
        assert.equal(serve.count('drain period ended early'), workers, `each serving process ended its period:\n${serve.output}`);
        assert.ok(
          serve.lines('drain period ended early').every((line) => line.reason === 'second SIGTERM'),
          `the reason is the second SIGTERM:\n${serve.output}`,
        );
        assert.equal(serve.ended(), false, `closing waits for the request in flight:\n${serve.output}`);
        held.finish();
        assert.ok(
          await settlesWithin(held.closed, BOUND_MS),
          `the request in flight was answered and its connection closed:\n${serve.output}`,
        );
        assert.match(held.received(), /^HTTP\/1.1 200 [^]*\r\nconnection: close\r\n/i, held.received());
        assert.match(held.received(), /"title":"Beta"/, held.received());
        assert.ok(await settlesWithin(serve.exited, BOUND_MS), `the process exited once the request was answered:\n${serve.output}`);
        assert.equal(await serve.exited, 0, serve.output);
        assert.equal(serve.count('server closed'), workers, serve.output);
        assert.ok(inOrder(serve.output, ['draining', 'drain period ended early', 'drain period over', 'server closed']), serve.output);
        assert.equal(serve.logged('third signal'), -1, serve.output);
      } finally {
        child.kill('SIGKILL');
      }
    });

    test(`${who}: with a request that never finishes, a third SIGTERM exits at once with 1`, async () => {
      const serve = start(workers);
      const { child } = serve;
      let held: Awaited<ReturnType<typeof requestInFlight>> | undefined;
      try {
        const base = await serve.listening(workers);
        const pids = serve.lines('serving').map((line) => line.pid as number);
        held = await requestInFlight(base);
        child.kill('SIGTERM');
        await serve.awaitLine('draining', workers);
        child.kill('SIGTERM');
        await serve.awaitLine('drain period over', workers);
        assert.equal(serve.ended(), false, `closing waits for the request in flight:\n${serve.output}`);
        child.kill('SIGTERM');
        assert.ok(await settlesWithin(serve.exited, BOUND_MS), `the third SIGTERM ended the process:\n${serve.output}`);
        assert.equal(await serve.exited, 1, serve.output);
        assert.notEqual(serve.logged('third signal: exiting now'), -1, serve.output);
        // A cluster's workers go with their primary (node:cluster ends a worker whose primary is gone), the held request's too.
        for (const deadline = Date.now() + BOUND_MS; !pids.every(gone); await sleep(50)) {
          assert.ok(Date.now() < deadline, `the serving processes ${pids.join(', ')} are gone:\n${serve.output}`);
        }
        assert.ok(await settlesWithin(held.closed, BOUND_MS), 'the held connection was closed');
        assert.doesNotMatch(held.received(), /HTTP\/1.1/, 'the request held was not answered');
      } finally {
        child.kill('SIGKILL');
        held?.destroy();
      }
    });
  }
});
