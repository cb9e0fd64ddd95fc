import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi } from '../support/api-server.js';

test('with a certificate and key the API serves HTTPS, with HSTS', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cinedex-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'));
  const api = await startApi({ tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
  try {
    const res = await new Promise<{ status: number; hsts: string | undefined; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: api.port, path: '/v1/movies?title=mission&limit=1', ca: cert }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] as string | undefined, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.status, 200);
    assert.match(res.hsts ?? '', /max-age=\d+/);
    assert.equal((JSON.parse(res.body) as { items: unknown[] }).items.length, 1);
    await assert.rejects(fetch(`http://127.0.0.1:${api.port}/healthz`), 'plain HTTP is not served on the TLS port');
  } finally {
    await api.app.close();
  }
});
