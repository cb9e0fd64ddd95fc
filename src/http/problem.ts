import type { FastifyReply } from 'fastify';

/** RFC 9457 problem details. `type` URIs name the kind of problem; `detail` tells a person what to do. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

const BASE = 'https://cinedex.dev/problems/';

export const PROBLEM_TYPES = {
  invalidParameter: `${BASE}invalid-parameter`,
  notFound: `${BASE}not-found`,
  notReady: `${BASE}not-ready`,
  badRequest: `${BASE}bad-request`,
  uriTooLong: `${BASE}uri-too-long`,
  headersTooLarge: `${BASE}headers-too-large`,
  methodNotAllowed: `${BASE}method-not-allowed`,
  unauthorized: `${BASE}unauthorized`,
  rateLimited: `${BASE}rate-limited`,
  internal: `${BASE}internal-error`,
  /** The edge relay: the origin failed or could not be reached, and no cached copy could stand in. */
  originFailed: `${BASE}origin-failed`,
  originTimeout: `${BASE}origin-timeout`,
} as const;

export function problem(status: number, type: string, title: string, detail: string, extensions: Record<string, unknown> = {}): Problem {
  return { type, title, status, detail, ...extensions };
}

/**
 * Sends the problem. Senders return nothing on purpose: a synchronous handler that returns the
 * reply makes Fastify treat it as a promise and wait for the response to finish, per request.
 */
export function sendProblem(reply: FastifyReply, p: Problem): void {
  reply.code(p.status).header('content-type', 'application/problem+json').header('cache-control', 'no-store').send(JSON.stringify(p));
}

/** For errors written straight to a socket, before any request object exists (node's clientError path). */
export function rawProblemResponse(p: Problem): string {
  const body = JSON.stringify(p);
  return (
    `HTTP/1.1 ${p.status} ${p.title}\r\n` +
    'Content-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}
