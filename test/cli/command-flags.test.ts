import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_SETTINGS } from '../../src/config/config.js';
import { runCli } from '../support/cli-process.js';

/** The flags `cinedex <command> --help` lists. */
async function helpFlags(command: string): Promise<Set<string>> {
  const help = await runCli([command, '--help'], {});
  assert.equal(help.code, 0, help.stderr);
  return new Set([...help.stdout.matchAll(/^ {2}(--[a-z0-9-]+)/gm)].map((m) => m[1] as string));
}

test('each subcommand lists the flags it reads and none it ignores', async () => {
  const expected: Record<string, { shows: string[]; hides: string[] }> = {
    seed: {
      shows: ['--seed', '--seed-sha256', '--data-dir', '--store', '--s3-region', '--log-level'],
      hides: ['--port', '--host', '--tls-cert', '--api-keys', '--require-api-key', '--inbox', '--ingest-interval', '--workers'],
    },
    ingest: {
      shows: ['--store', '--inbox', '--max-update-bytes', '--s3-endpoint', '--log-level'],
      hides: ['--port', '--host', '--tls-cert', '--tls-key', '--api-keys', '--rate-limit', '--cursor-secret', '--seed'],
    },
    edge: { shows: ['--origin', '--port', '--cache-max-bytes'], hides: ['--store', '--inbox', '--seed', '--api-keys'] },
  };
  for (const [command, { shows, hides }] of Object.entries(expected)) {
    const flags = await helpFlags(command);
    for (const flag of shows) assert.ok(flags.has(flag), `cinedex ${command} --help lists ${flag}`);
    for (const flag of hides) assert.ok(!flags.has(flag), `cinedex ${command} --help does not list ${flag}`);
  }
});

test("serve lists every setting but the long-running ingester's own: it seeds, ingests and serves", async () => {
  const flags = await helpFlags('serve');
  // serve always keeps ingesting, and serves ingestion's metrics at its own /metrics; a forced compaction is one run's.
  const ingestersOwn = ['--watch', '--metrics-port', '--compact'];
  for (const setting of CONFIG_SETTINGS) assert.equal(flags.has(setting.flag), !ingestersOwn.includes(setting.flag), setting.flag);
  const ingest = await helpFlags('ingest');
  for (const flag of [...ingestersOwn, '--inbox-queue', '--ingest-interval', '--sqs-endpoint']) assert.ok(ingest.has(flag), flag);
  assert.ok(!flags.has('--origin'), "the edge's own flag");
});

test('a flag of another command is refused; the environment is still read whole', async () => {
  const refused = await runCli(['ingest', '--port', '9000'], {});
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /unknown option '--port'/);
  // The environment is read whole by every command: a bad PORT stops `cinedex ingest` as it always did.
  const badPort = await runCli(['ingest'], { PORT: 'abc' });
  assert.equal(badPort.code, 1);
  assert.match(badPort.stderr, /PORT must be an integer/);
});
