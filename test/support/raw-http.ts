import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

/** The body as the identity representation has it: br and gzip decoded; anything else must have no Content-Encoding. */
export function decode(encoding: string | string[] | undefined, body: Buffer): Buffer {
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'gzip') return gunzipSync(body);
  assert.equal(encoding, undefined);
  return body;
}

/** Sends bytes exactly as given (no client-side validation) and returns the raw response text, read until the server closes. */
export function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
    socket.setTimeout(5000, () => socket.destroy(new Error('raw request timed out')));
  });
}

/** Like rawExchange, split into status, lower-cased head and body. */
export async function rawRequest(port: number, request: string): Promise<{ status: number; headers: string; body: string }> {
  const data = await rawExchange(port, request);
  const split = data.indexOf('\r\n\r\n');
  const head = data.slice(0, split);
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: data.slice(split + 4) };
}

/** One exchange with node:http, which sends only the headers given and never decodes: the bytes as sent. */
export function exchange(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}
