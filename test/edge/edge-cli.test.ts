import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDGE_SETTINGS, edgeConfigMarkdownTable, loadEdgeConfig } from '../../src/config/edge-config.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { spawnCli } from '../support/cli-child.js';
import { runCli } from '../support/cli-process.js';
import { repoRoot } from '../support/paths.js';
import { ConfigError } from '../../src/errors/errors.js';
import { settlesWithin } from '../../src/runtime/settles-within.js';

describe('edge settings', () => {
  test('defaults, environment, and flags winning over the environment', () => {
    const c = loadEdgeConfig({ EDGE_ORIGIN: 'http://cinedex.internal:8080/' });
    assert.deepEqual(c, {
      origin: 'http://cinedex.internal:8080',
      port: 8081,
      host: '0.0.0.0',
      logLevel: 'info',
      cacheMaxBytes: 128 * 1024 * 1024,
      upstreamTimeoutSeconds: 5,
      staleIfErrorSeconds: 300,
      maxUpstreamConcurrency: 64,
      drainSeconds: 5,
    });
    const d = loadEdgeConfig(
      {
        EDGE_ORIGIN: 'http://a:1',
        EDGE_PORT: '9000',
        EDGE_CACHE_MAX_BYTES: '1000',
        EDGE_UPSTREAM_TIMEOUT: '0.5',
        EDGE_STALE_IF_ERROR: '0',
        EDGE_MAX_UPSTREAM_CONCURRENCY: '3',
        EDGE_LOG_LEVEL: 'warn',
      },
      { origin: 'https://b.example/api//', port: '9100' },
    );
    assert.equal(d.origin, 'https://b.example/api');
    assert.equal(d.port, 9100);
    assert.equal(d.cacheMaxBytes, 1000);
    assert.equal(d.upstreamTimeoutSeconds, 0.5);
    assert.equal(d.staleIfErrorSeconds, 0);
    assert.equal(d.maxUpstreamConcurrency, 3);
    assert.equal(d.logLevel, 'warn');
  });

  test('each invalid value is a ConfigError naming the variable and what is allowed', () => {
    const origin = { EDGE_ORIGIN: 'http://a:1' };
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /^EDGE_ORIGIN \(--origin\) is required: the http\(s\) URL of the cinedex server to relay to/],
      [{ EDGE_ORIGIN: 'ftp://a' }, /^EDGE_ORIGIN must be an http\(s\) URL without query, fragment or credentials, .*got "ftp:\/\/a"$/],
      [{ EDGE_ORIGIN: 'not a url' }, /^EDGE_ORIGIN must be an http\(s\) URL/],
      [{ EDGE_ORIGIN: 'http://a:1/?x=1' }, /^EDGE_ORIGIN must be/],
      [{ EDGE_ORIGIN: 'http://user:pw@a:1' }, /^EDGE_ORIGIN must be/],
      [{ ...origin, EDGE_PORT: '70000' }, /^EDGE_PORT must be an integer from 0 to 65535/],
      [{ ...origin, EDGE_CACHE_MAX_BYTES: '0' }, /^EDGE_CACHE_MAX_BYTES must be a whole number of bytes of at least 1, got "0"$/],
      [{ ...origin, EDGE_CACHE_MAX_BYTES: '64MiB' }, /^EDGE_CACHE_MAX_BYTES must be a whole number of bytes/],
      [{ ...origin, EDGE_UPSTREAM_TIMEOUT: '0' }, /^EDGE_UPSTREAM_TIMEOUT must be a number of seconds greater than 0, got "0"$/],
      [{ ...origin, EDGE_UPSTREAM_TIMEOUT: 'soon' }, /^EDGE_UPSTREAM_TIMEOUT must be a number of seconds/],
      [{ ...origin, EDGE_STALE_IF_ERROR: '-1' }, /^EDGE_STALE_IF_ERROR must be a number of seconds, 0 or more/],
      [{ ...origin, EDGE_MAX_UPSTREAM_CONCURRENCY: '0' }, /^EDGE_MAX_UPSTREAM_CONCURRENCY must be an integer from 1 to 10000/],
      [{ ...origin, EDGE_LOG_LEVEL: 'loud' }, /^EDGE_LOG_LEVEL must be one of fatal, error/],
    ];
    for (const [env, message] of cases)
      assert.throws(
        () => loadEdgeConfig(env),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
        JSON.stringify(env),
      );
  });

  test("docs/configuration.md's edge table is the generated one and names every setting", () => {
    const readme = readFileSync(join(repoRoot, 'docs/configuration.md'), 'utf8');
    const start = readme.indexOf('<!-- edge-config-table -->');
    assert.ok(start !== -1, 'docs/configuration.md has an edge settings table');
    const between = readme.slice(start + '<!-- edge-config-table -->'.length, readme.indexOf('<!-- /edge-config-table -->')).trim();
    assert.equal(between, edgeConfigMarkdownTable());
    for (const s of EDGE_SETTINGS) assert.ok(between.includes(`\`${s.env}\``), s.env);
  });
});

describe('cinedex edge, the command', () => {
  let api: RunningApi;
  before(async () => {
    api = await startApi();
  });
  after(() => api.app.close());

  test('without --origin it exits 1 with one line saying what to set', async () => {
    const out = await runCli(['edge'], { EDGE_ORIGIN: '' });
    assert.equal(out.code, 1);
    assert.equal(
      out.stderr,
      'cinedex: EDGE_ORIGIN (--origin) is required: the http(s) URL of the cinedex server to relay to, e.g. http://cinedex.internal:8080\n',
    );
    assert.equal(out.stdout, '');
  });

  test('a bad flag value exits 1 with one line naming it', async () => {
    const out = await runCli(['edge', '--origin', api.base, '--cache-max-bytes', 'lots'], {});
    assert.equal(out.code, 1);
    assert.equal(out.stderr, 'cinedex: EDGE_CACHE_MAX_BYTES must be a whole number of bytes of at least 1, got "lots"\n');
  });

  test('a port in use exits 1 with one line', async () => {
    const out = await runCli(['edge', '--origin', api.base, '--host', '127.0.0.1', '--port', String(api.port)], {});
    assert.equal(out.code, 1);
    assert.equal(out.stderr, `cinedex: cannot listen on 127.0.0.1:${api.port} (EADDRINUSE); set EDGE_PORT or --port to a free port\n`);
  });

  test('relays from flags and environment, then on SIGTERM: readiness 503 at once, still serving through the drain, a second SIGTERM ends it, exit 0', async () => {
    // Port 0, and the port the edge logs it bound: a port found free beforehand can be taken by another test file's
    // server before the child binds it, and that server would answer in the child's place. The drain period is long
    // and ended by a second SIGTERM once the test has looked at the edge during it: a 1 s period could end before the
    // request meant for it on a loaded machine. Each step waits on the child's log, not on a moment.
    const edge = spawnEdge(['--origin', api.base, '--drain-seconds', '3600'], { EDGE_DRAIN_SECONDS: '1', EDGE_LOG_LEVEL: 'info' });
    const { child, exited, logged, awaitLine } = edge;
    try {
      const base = await edge.listening();
      assert.equal((await fetch(`${base}/readyz`)).status, 200, edge.output);
      const miss = await fetch(`${base}/v1/genres`);
      assert.equal(miss.headers.get('x-cache'), 'MISS');
      await miss.arrayBuffer();
      assert.equal((await fetch(`${base}/v1/genres`)).headers.get('x-cache'), 'HIT');
      child.kill('SIGTERM');
      await awaitLine('draining');
      assert.match(edge.output, /"drainSeconds":3600,[^\n]*"msg":"draining/, 'the flag set the drain period, over the environment');
      assert.equal((await fetch(`${base}/readyz`)).status, 503, 'readiness is 503 from the start of the drain');
      const during = await fetch(`${base}/v1/genres`);
      assert.equal(during.status, 200, 'still serving during the drain');
      assert.equal(during.headers.get('connection'), 'close');
      await during.arrayBuffer();
      assert.equal(logged('drain period over'), -1, `the drain period is still on:\n${edge.output}`);
      child.kill('SIGTERM');
      // Bounded far from the moment it takes, so that a second signal left unheeded fails here, not at the runner's limit.
      assert.ok(await settlesWithin(exited, 30_000), `the second SIGTERM ended the drain:\n${edge.output}`);
      assert.equal(await exited, 0, edge.output);
      const order = ['edge relaying', 'draining', 'drain period ended early', 'drain period over', 'server closed'].map(logged);
      assert.ok(
        order.every((at, i) => at !== -1 && (i === 0 || at > (order[i - 1] as number))),
        `the lines in order:\n${edge.output}`,
      );
      assert.match(edge.output, /"reason":"second SIGTERM"/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('a request that never finishes keeps the edge up after a second SIGTERM, and a third exits at once with 1', async () => {
    // An origin that takes requests and never answers, and an upstream timeout longer than the test: the relayed
    // request stays in flight, so closing never completes and only the third signal ends the process.
    const held: IncomingMessage[] = [];
    let reached: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    const origin = createServer((req) => {
      held.push(req);
      reached();
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const originBase = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
    const edge = spawnEdge(['--origin', originBase, '--drain-seconds', '3600', '--upstream-timeout', '3600'], { EDGE_LOG_LEVEL: 'info' });
    const { child, exited, logged, awaitLine } = edge;
    const inFlight = new AbortController();
    try {
      const stuck = fetch(`${await edge.listening()}/v1/genres`, { signal: inFlight.signal }).catch(() => undefined);
      await arrived;
      child.kill('SIGTERM');
      await awaitLine('draining');
      child.kill('SIGTERM');
      await awaitLine('drain period over');
      assert.equal(child.exitCode, null, `closing waits for the request in flight:\n${edge.output}`);
      child.kill('SIGTERM');
      assert.ok(await settlesWithin(exited, 30_000), `the third SIGTERM ended the process:\n${edge.output}`);
      assert.equal(await exited, 1, edge.output);
      assert.notEqual(logged('third signal: exiting now'), -1, edge.output);
      await stuck;
    } finally {
      child.kill('SIGKILL');
      inFlight.abort();
      for (const req of held) req.socket.destroy();
      await new Promise<void>((resolve) => origin.close(() => resolve()));
    }
  });
});

/** `cinedex edge` as a child on a port it picks (spawnCli), with a way to wait for that port. */
function spawnEdge(args: readonly string[], env: NodeJS.ProcessEnv) {
  const edge = spawnCli(['edge', '--port', '0', '--host', '127.0.0.1', ...args], env);
  /** The port the edge logs it bound. */
  const relaying = () => /"port":(\d+),[^\n]*"msg":"edge relaying"/.exec(edge.output)?.[1];
  return Object.assign(edge, {
    listening: async () => {
      await edge.awaitLine('edge relaying');
      return `http://127.0.0.1:${relaying() ?? 'none'}`;
    },
  });
}
