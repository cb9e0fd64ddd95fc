import type { FastifyReply } from 'fastify';
import type { Encoding } from '../node-http/accept-encoding.js';
import { representationEtag } from '../node-http/etag.js';
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

/**
 * How an answer's body is encoded: `undefined` for an answer that exists in one form only (below the
 * compression floor), otherwise the coding of this representation, whose headers then say that the
 * answer varies by Accept-Encoding.
 */
export type Coding = Encoding | undefined;

export function jsonAnswer<B extends Buffer | string>(
  body: B,
  etag: string,
  cacheControl: string,
  coding?: Coding,
): Answer & { readonly body: B } {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  return {
    status: 200,
    headers: [
      'content-type',
      JSON_CONTENT_TYPE,
      ...(coding === undefined || coding === 'identity' ? [] : ['content-encoding', coding]),
      'etag',
      representationEtag(etag, coding ?? 'identity'),
      'cache-control',
      cacheControl,
      ...(coding === undefined ? [] : VARY_ENCODING),
      'content-length',
      String(length),
    ],
    body,
  };
}

/** RFC 9110 §15.4.5: a 304 repeats the validator and the caching headers (Vary among them), nothing else. */
export function notModifiedAnswer(etag: string, cacheControl: string, coding?: Coding): Answer {
  return {
    status: 304,
    headers: [
      'etag',
      representationEtag(etag, coding ?? 'identity'),
      'cache-control',
      cacheControl,
      ...(coding === undefined ? [] : VARY_ENCODING),
    ],
    body: undefined,
  };
}

const VARY_ENCODING = ['vary', 'Accept-Encoding'];

/**
 * `leading` then `headers` as one flat list, with a second `vary` folded into the first (`Origin,
 * Accept-Encoding`): what a Fastify reply makes of the same headers (sendAnswer), so both writers agree.
 */
export function joinHeaders(leading: readonly string[], headers: readonly string[]): string[] {
  const out = [...leading];
  let vary = -1;
  for (let i = 0; i + 1 < out.length; i += 2) if (out[i] === 'vary') vary = i + 1;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as string;
    const value = headers[i + 1] as string;
    if (name === 'vary' && vary !== -1) out[vary] = `${out[vary] as string}, ${value}`;
    else out.push(name, value);
  }
  return out;
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
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as string;
    const value = headers[i + 1] as string;
    const earlier = name === 'vary' ? reply.getHeader('vary') : undefined;
    reply.header(name, earlier === undefined ? value : `${String(earlier)}, ${value}`);
  }
  reply.send(answer.body);
}

export function sendProblem(reply: FastifyReply, p: Problem, extraHeaders: readonly string[] = []): void {
  sendAnswer(reply, problemAnswer(p, extraHeaders));
}
