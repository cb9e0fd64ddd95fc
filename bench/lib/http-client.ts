/**
 * The HTTP clients the load drivers send with: a lean keep-alive HTTP/1.1 client on node:net (the
 * default) and node:http's own, for comparison. Each sends one GET at a time per connection and calls
 * back with the status.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

/** Sends one GET and calls back once with the status, or undefined when the exchange failed. */
export interface Transport {
  send(path: string, done: (status: number | undefined) => void): void;
  close(): void;
}

/**
 * node:http's client over a keep-alive Agent: the reference, but it costs ~50 µs of CPU per request (see docs/capacity.md).
 * Both clients send `Accept-Encoding` only when given one (the answers are then compressed, and read as they come, undecoded).
 */
export function httpTransport(base: string, maxSockets: number, acceptEncoding?: string): Transport {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    send(path, done) {
      let settled = false;
      const settle = (status: number | undefined) => {
        if (settled) return;
        settled = true;
        done(status);
      };
      const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
      const req = request({ host: url.hostname, port: Number(url.port), path, method: 'GET', agent, headers }, (res) => {
        const status = res.statusCode;
        res.on('end', () => settle(status));
        res.on('error', () => settle(undefined));
        res.resume();
      });
      req.on('error', () => settle(undefined));
      req.end();
    },
    close: () => agent.destroy(),
  };
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*([0-9]+)/i;

/**
 * A lean HTTP/1.1 client on node:net: kept-alive connections, one request at a time on each (no
 * pipelining), answers framed by Content-Length, which every server measured here sends. It exists
 * because node:http's client needs more CPU per request than the servers it measures (raw node:http
 * answers in ~20 µs), so on one core it could not offer the rates the servers sustain.
 * An answer it cannot frame (chunked, or without a length) is an error, and closes its connection.
 */
export function netTransport(base: string, maxSockets: number, acceptEncoding?: string): Transport {
  const url = new URL(base);
  const extraHeaders = acceptEncoding === undefined ? '' : `Accept-Encoding: ${acceptEncoding}\r\n`;
  const host = url.hostname;
  const port = Number(url.port);
  const requests = new Map<string, Buffer>();
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  let closed = false;

  class Conn {
    readonly socket: Socket;
    private buffer: Buffer | undefined;
    private need = -1;
    private status = 0;
    private done: ((status: number | undefined) => void) | undefined;
    private connected = false;
    private queued: Buffer | undefined;

    constructor() {
      this.socket = connect({ host, port, noDelay: true });
      all.add(this);
      this.socket.on('connect', () => {
        this.connected = true;
        if (this.queued !== undefined) this.socket.write(this.queued);
        this.queued = undefined;
      });
      this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
      this.socket.on('error', () => {});
      this.socket.on('close', () => this.fail());
    }

    send(bytes: Buffer, done: (status: number | undefined) => void): void {
      this.done = done;
      if (this.connected) this.socket.write(bytes);
      else this.queued = bytes;
    }

    private onData(chunk: Buffer): void {
      this.buffer = this.buffer === undefined ? chunk : Buffer.concat([this.buffer, chunk]);
      const buffer = this.buffer;
      if (this.need < 0) {
        const headEnd = buffer.indexOf(HEAD_END);
        if (headEnd < 0) return;
        const head = buffer.toString('latin1', 0, headEnd);
        this.status = Number(head.slice(9, 12));
        const length = CONTENT_LENGTH.exec(head)?.[1];
        const bodyless = this.status === 204 || this.status === 304;
        if (length === undefined && !bodyless) {
          this.socket.destroy();
          return;
        }
        this.need = headEnd + 4 + (bodyless ? 0 : Number(length));
      }
      if (buffer.length < this.need) return;
      // Bytes beyond the answer would be a second answer to one request: the connection is out of step.
      if (buffer.length > this.need) {
        this.socket.destroy();
        return;
      }
      const done = this.done;
      const status = this.status;
      this.buffer = undefined;
      this.need = -1;
      this.done = undefined;
      if (closed) this.socket.destroy();
      else idle.push(this);
      done?.(status);
    }

    private fail(): void {
      all.delete(this);
      const at = idle.indexOf(this);
      if (at >= 0) idle.splice(at, 1);
      const done = this.done;
      this.done = undefined;
      done?.(undefined);
    }
  }

  return {
    send(path, done) {
      let bytes = requests.get(path);
      if (bytes === undefined)
        requests.set(path, (bytes = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${extraHeaders}\r\n`, 'latin1')));
      // The most recently used connection first, as node's Agent does ('lifo'): fewer connections stay busy.
      const conn = idle.pop() ?? (all.size < maxSockets ? new Conn() : undefined);
      if (conn === undefined) return done(undefined);
      conn.send(bytes, done);
    },
    close() {
      closed = true;
      for (const conn of all) conn.socket.destroy();
    },
  };
}

/** The clients, by the name CAPACITY_TRANSPORT takes. */
export const TRANSPORT_KINDS = ['net', 'http'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

export function createTransport(kind: TransportKind, base: string, maxSockets: number, acceptEncoding?: string): Transport {
  return kind === 'http' ? httpTransport(base, maxSockets, acceptEncoding) : netTransport(base, maxSockets, acceptEncoding);
}
