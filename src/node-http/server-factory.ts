import type * as Http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';

/**
 * Node's http modules are required, not imported (docs/scale.md, "A restart's read under Fastify's load"):
 * on Node 22 an ES import of node:http reads every export of the module, and its lazy ones (WebSocket,
 * EventSource...) load undici: ~60–80 ms of a loaded VM's CPU at every start, against ~10 for the require.
 * node:https (with tls) is loaded only for a server with a certificate; most sit behind a proxy that ends TLS.
 */
const require = createRequire(import.meta.url);
const http = require('node:http') as typeof Http;

/** Request line plus headers; beyond it node answers 431 (see client-error.ts). */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The node:http(s) server under the API and the edge: bounded headers, a deadline for a request to
 * arrive, and keep-alive longer than the usual 60 s idle timeout of load balancers, so they, not
 * we, close idle connections (node 20 reads keepAliveTimeout only as a property).
 */
export function createNodeServer(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  tls?: { readonly cert: Buffer; readonly key: Buffer },
): Server {
  const settings = { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000 };
  // An https.Server is a node:http server for everything its users do with it.
  const server = tls
    ? ((require('node:https') as typeof Https).createServer({ ...settings, cert: tls.cert, key: tls.key }, listener) as unknown as Server)
    : http.createServer(settings, listener);
  server.keepAliveTimeout = 65_000;
  return server;
}
