import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startApi } from '../support/api-server.js';
import { selfSignedCert } from '../support/tls-cert.js';

test('with a certificate and key the API serves HTTPS, with HSTS', async () => {
  const { cert, key } = selfSignedCert();
  const api = await startApi({ tls: { cert, key } });
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
