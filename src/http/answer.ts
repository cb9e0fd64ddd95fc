import type { FastifyReply } from 'fastify';
import { PROBLEM_TYPES, problem, problemParts, type Problem } from '../node-http/problem.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A finished HTTP answer: status, headers as one flat list (name, value, name, value…) in the order
 * they go on the wire, and the body. Both ways out write the same value, node:http's `writeHead`
 * (the fast lane) and a Fastify reply (`sendAnswer`), so the two cannot drift apart.
 */
export interface Answer {
  readonly status: number;
  readonly headers: readonly string[];
  readonly body: Buffer | string | undefined;
}

export function jsonAnswer(body: Buffer | string, etag: string, cacheControl: string): Answer {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  return {
    status: 200,
    headers: ['content-type', JSON_CONTENT_TYPE, 'etag', etag, 'cache-control', cacheControl, 'content-length', String(length)],
    body,
  };
}

/** RFC 9110 §15.4.5: a 304 repeats the validator and the caching headers, nothing else. */
export function notModifiedAnswer(etag: string, cacheControl: string): Answer {
  return { status: 304, headers: ['etag', etag, 'cache-control', cacheControl], body: undefined };
}

export function problemAnswer(p: Problem, extraHeaders: readonly string[] = []): Answer {
  const { headers, body } = problemParts(p);
  return { status: p.status, headers: [...extraHeaders, ...headers], body };
}

/** A failure of ours: the detail gives the request id to quote, never the internals. */
export function internalError(reqId: string): Problem {
  return problem(
    500,
    PROBLEM_TYPES.internal,
    'Internal Server Error',
    `the server failed to answer; quote request id ${reqId} when reporting this`,
  );
}

/** Data routes before the first catalogue is indexed: a retryable 503, not an empty answer. */
export const NOT_READY: Answer = problemAnswer(
  problem(503, PROBLEM_TYPES.notReady, 'Service Unavailable', 'the catalogue is still loading; retry in a few seconds'),
  ['retry-after', '5'],
);

/**
 * Sends an answer through Fastify. Returns nothing on purpose: a synchronous handler that returns
 * the reply makes Fastify treat it as a promise and wait for the response to finish, per request.
 */
export function sendAnswer(reply: FastifyReply, answer: Answer): void {
  reply.code(answer.status);
  const { headers } = answer;
  for (let i = 0; i + 1 < headers.length; i += 2) reply.header(headers[i] as string, headers[i + 1]);
  reply.send(answer.body);
}

export function sendProblem(reply: FastifyReply, p: Problem, extraHeaders: readonly string[] = []): void {
  sendAnswer(reply, problemAnswer(p, extraHeaders));
}
