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

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problem(status: number, type: string, title: string, detail: string, extensions: Record<string, unknown> = {}): Problem {
  return { type, title, status, detail, ...extensions };
}

/**
 * The headers and body of a problem answer, the one spelling every writer uses (Fastify replies,
 * node:http responses, raw sockets): problems are never cached.
 */
export function problemParts(p: Problem): { readonly headers: string[]; readonly body: string } {
  const body = JSON.stringify(p);
  return {
    headers: ['content-type', PROBLEM_CONTENT_TYPE, 'cache-control', 'no-store', 'content-length', String(Buffer.byteLength(body))],
    body,
  };
}

/** For errors written straight to a socket, before any request object exists (node's clientError path). */
export function rawProblemResponse(p: Problem): string {
  const { headers, body } = problemParts(p);
  let head = `HTTP/1.1 ${p.status} ${p.title}\r\n`;
  for (let i = 0; i + 1 < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}connection: close\r\n\r\n${body}`;
}
