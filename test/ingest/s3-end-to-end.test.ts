import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { movieId } from '../../src/catalogue/id.js';
import { runCli, startServe, waitFor } from '../support/cli-process.js';
import { seedPath } from '../support/paths.js';
import { S3_CREDENTIALS, startS3 } from '../support/s3-server.js';

test('against a real S3-protocol server: seed, upload updates, ingest, publish, refresh, query', async () => {
  const s3 = await startS3('cinedex');
  const env = {
    MOVIES_STORE: 's3://cinedex/catalogue',
    MOVIES_INBOX: 's3://cinedex/inbox',
    AWS_ENDPOINT_URL: s3.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    MOVIES_SEED: seedPath,
    MOVIES_DATA_DIR: mkdtempSync(join(tmpdir(), 'cinedex-e2e-')),
    MOVIES_REFRESH_INTERVAL: '0.2',
    MOVIES_INGEST_INTERVAL: '0',
    MOVIES_WORKERS: '1',
  };
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    const seeded = await runCli(['seed'], env);
    assert.equal(seeded.code, 0, seeded.stderr + seeded.stdout);
    assert.match(seeded.stdout, /seed snapshot published/);
    const again = await runCli(['seed'], env);
    assert.match(again.stdout, /already has a snapshot/);

    serve = await startServe(env);
    const base = serve.base;
    const status0 = (await (await fetch(`${base}/v1/status`)).json()) as { movies: number; version: string };
    assert.equal(status0.movies, 28_795);

    await s3.store('inbox/').put(
      'acme/2026-11-24.json',
      Buffer.from(
        JSON.stringify([
          { title: 'Mission: Impossible', year: 1996, genres: ['Action', 'Spy'] },
          { title: 'A Brand New Film', year: 2026, cast: ['New Star'], genres: ['Drama'] },
          { title: 'Broken', year: 'soon' },
        ]),
      ),
    );
    await s3.store('inbox/').put('acme/bad.json', Buffer.from('{"not": "an array"}'));
    const ingested = await runCli(['ingest'], env);
    assert.equal(ingested.code, 0, ingested.stderr + ingested.stdout);

    await waitFor(
      async () => ((await (await fetch(`${base}/v1/status`)).json()) as { version: string }).version !== status0.version,
      10_000,
      'the refresh',
    );
    const status = (await (await fetch(`${base}/v1/status`)).json()) as {
      movies: number;
      lastIngestionRun: {
        objectsApplied: number;
        objectsRejected: number;
        recordsRejected: number;
        objects: { key: string; reason?: string; rejections: { reason: string }[] }[];
      };
    };
    assert.equal(status.movies, 28_796);
    assert.equal(status.lastIngestionRun.objectsApplied, 1);
    assert.equal(status.lastIngestionRun.objectsRejected, 1);
    assert.equal(status.lastIngestionRun.recordsRejected, 1);
    assert.match(status.lastIngestionRun.objects.find((o) => o.key === 'acme/bad.json')?.reason ?? '', /not a JSON array/);

    const found = (await (await fetch(`${base}/v1/movies?title=brand+new+film`)).json()) as { items: { id: string; cast: string[] }[] };
    assert.deepEqual(
      found.items.map((m) => m.cast),
      [['New Star']],
    );
    const id = movieId('Mission: Impossible', 1996);
    const movie = (await (await fetch(`${base}/v1/movies/${id}`)).json()) as { genres: string[] };
    assert.deepEqual(movie.genres, ['Action', 'Spy']);
    const history = (await (await fetch(`${base}/v1/movies/${id}/history`)).json()) as {
      items: { field: string; provider: string; object: string }[];
    };
    assert.deepEqual(
      history.items.map((h) => [h.field, h.provider, h.object]),
      [['genres', 'acme', 'acme/2026-11-24.json']],
    );
  } finally {
    await serve?.stop();
    await s3.close();
  }
});
