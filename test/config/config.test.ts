import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usableCores } from '../../src/config/usable-cores.js';
import { CONFIG_SETTINGS, configMarkdownTable, loadConfig } from '../../src/config/config.js';
import { BUNDLED_SEED_PATH, DEFAULT_SEED_URL } from '../../src/config/seed-source.js';
import { repoRoot } from '../support/paths.js';
import { ConfigError } from '../../src/errors/errors.js';

test('defaults', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.refreshIntervalSeconds, 10);
  assert.equal(c.ingestIntervalSeconds, 60);
  assert.equal(c.maxUpdateBytes, 64 * 1024 * 1024);
  assert.match(c.store, /data\/store$/);
  assert.match(c.inbox, /data\/store\/inbox$/);
  assert.equal(c.seed, join(repoRoot, 'assets/seed/movies.json.gz'), 'the bundled copy');
  assert.equal(BUNDLED_SEED_PATH, c.seed);
});

test('MOVIES_SEED=upstream is the pinned upstream URL; a path or another URL is taken as given', () => {
  assert.equal(
    loadConfig({ MOVIES_SEED: 'upstream' }).seed,
    'https://raw.githubusercontent.com/prust/wikipedia-movie-data/641260773db3034d2626ad6fa23fe60c4f0fba08/movies.json',
  );
  assert.equal(loadConfig({}, { seed: 'upstream' }).seed, DEFAULT_SEED_URL);
  assert.equal(loadConfig({ MOVIES_SEED: '/srv/movies.json' }).seed, '/srv/movies.json');
  assert.equal(loadConfig({ MOVIES_SEED: 'https://example.org/m.json.gz' }).seed, 'https://example.org/m.json.gz');
});

test('environment values are parsed; flags win over the environment', () => {
  const c = loadConfig(
    { PORT: '9000', MOVIES_STORE: 's3://bucket/cat', MOVIES_REQUIRE_API_KEY: 'true', MOVIES_API_KEYS: '/k.json', MOVIES_RATE_LIMIT: '5' },
    { port: 9100 },
  );
  assert.equal(c.port, 9100);
  assert.equal(c.store, 's3://bucket/cat');
  assert.equal(c.inbox, 's3://bucket/cat/inbox/');
  assert.equal(c.requireApiKey, true);
  assert.equal(c.rateBurst, 10);
});

test('with an inbox queue, the listing becomes an hourly reconciliation, and SQS shares the S3 endpoint unless told', () => {
  const queue = 'https://sqs.eu-west-1.amazonaws.com/123456789012/cinedex-inbox';
  const c = loadConfig({ MOVIES_STORE: 's3://bucket/catalogue', MOVIES_INBOX_QUEUE: queue, AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' });
  assert.equal(c.inboxQueue, queue);
  assert.equal(c.ingestIntervalSeconds, 3600);
  assert.equal(c.sqsEndpoint, 'http://127.0.0.1:5000');
  assert.equal(c.watch, false);
  const own = loadConfig({
    MOVIES_STORE: 's3://b/c',
    MOVIES_INBOX_QUEUE: queue,
    MOVIES_INGEST_INTERVAL: '60',
    AWS_ENDPOINT_URL_SQS: 'http://q:1',
  });
  assert.equal(own.ingestIntervalSeconds, 60);
  assert.equal(own.sqsEndpoint, 'http://q:1');
  assert.equal(loadConfig({}, { watch: 'true', ingestMetricsPort: '9464' }).ingestMetricsPort, 9464);
});

test('each invalid value is a ConfigError naming the variable and what is allowed', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /PORT must be an integer from 0 to 65535, got "abc"/],
    [{ PORT: '70000' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of fatal, error/],
    [{ MOVIES_REFRESH_INTERVAL: '-1' }, /MOVIES_REFRESH_INTERVAL must be a number of seconds/],
    [{ MOVIES_WORKERS: '0' }, /MOVIES_WORKERS must be an integer from 1/],
    [{ MOVIES_REQUIRE_API_KEY: 'maybe' }, /MOVIES_REQUIRE_API_KEY must be true or false/],
    [{ MOVIES_S3_SSE: 'rot13' }, /MOVIES_S3_SSE must be one of AES256, aws:kms/],
    [{ TLS_CERT: '/c.pem' }, /TLS_CERT and TLS_KEY must be set together/],
    [{ MOVIES_REQUIRE_API_KEY: 'true' }, /needs MOVIES_API_KEYS/],
    [{ MOVIES_INBOX_QUEUE: 'https://sqs.eu-west-1.amazonaws.com/1/q' }, /MOVIES_INBOX_QUEUE needs an S3 inbox/],
    [{ MOVIES_INGEST_METRICS_PORT: 'x' }, /MOVIES_INGEST_METRICS_PORT must be an integer from 0 to 65535/],
    [{ MOVIES_RATE_LIMIT: 'fast' }, /MOVIES_RATE_LIMIT must be a number of requests per second, 0 or more, got "fast"/],
    [{ MOVIES_RATE_BURST: '-2' }, /MOVIES_RATE_BURST must be an integer of at least 1/],
    [{ MOVIES_RESPONSE_CACHE_BYTES: '64MiB' }, /MOVIES_RESPONSE_CACHE_BYTES must be a whole number of bytes of at least 0/],
  ];
  for (const [env, message] of cases)
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
      JSON.stringify(env),
    );
});

test("docs/configuration.md's table is the generated one and names every setting", () => {
  const readme = readFileSync(join(repoRoot, 'docs/configuration.md'), 'utf8');
  const between = readme
    .slice(readme.indexOf('<!-- config-table -->') + '<!-- config-table -->'.length, readme.indexOf('<!-- /config-table -->'))
    .trim();
  assert.equal(between, configMarkdownTable());
  for (const s of CONFIG_SETTINGS) assert.ok(between.includes(`\`${s.env}\``), s.env);
});

test('the default worker count follows a container CPU limit when it is lower than the visible cores', () => {
  const throwing = () => {
    throw new Error('ENOENT');
  };
  assert.equal(usableCores(throwing, 8), 8, 'no cgroup file: the visible cores');
  assert.equal(
    usableCores(() => 'max 100000\n', 8),
    8,
    'no limit',
  );
  assert.equal(
    usableCores(() => '200000 100000\n', 8),
    2,
  );
  assert.equal(
    usableCores(() => '150000 100000\n', 8),
    1,
    'a fraction rounds down',
  );
  assert.equal(
    usableCores(() => '50000 100000\n', 8),
    1,
    'at least one',
  );
  assert.equal(
    usableCores(() => '1600000 100000\n', 4),
    4,
    'never more than the visible cores',
  );
  assert.equal(
    usableCores(() => 'garbage', 8),
    8,
  );
});
