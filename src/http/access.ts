import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { ApiKeyFileError } from '../errors/errors.js';
import { PROBLEM_TYPES, problem } from '../node-http/problem.js';
import { sendProblem } from './answer.js';
import { TokenBuckets } from './token-bucket.js';

export interface AccessOptions {
  /** API key → client name. */
  readonly keys: ReadonlyMap<string, string>;
  readonly requireApiKey: boolean;
  /** Requests per second per client; 0 turns rate limiting off. */
  readonly rateLimit: number;
  readonly rateBurst: number;
}

/** Reads `{"<key>": "<client name>", ...}`. Keys shorter than 16 characters are refused as guessable. */
export function loadApiKeys(path: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ApiKeyFileError(
      `cannot read the API key file ${path} (${(error as Error).message}); MOVIES_API_KEYS must name a JSON object of key → client name`,
      { cause: error },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ApiKeyFileError(`the API key file ${path} must be a JSON object of key → client name`);
  const keys = new Map<string, string>();
  for (const [key, client] of Object.entries(parsed)) {
    if (key.length < 16 || typeof client !== 'string' || client === '')
      throw new ApiKeyFileError(`the API key file ${path} has an entry that is not a key of 16+ characters mapped to a client name`);
    keys.set(key, client);
  }
  return keys;
}

/**
 * Identifies the client of each /v1 request (API key, or anonymous by address) and applies the
 * per-client rate limit. The client name goes on the request for logs and metrics.
 */
export function accessControl(options: AccessOptions) {
  const buckets = options.rateLimit > 0 ? new TokenBuckets(options.rateLimit, Math.max(1, options.rateBurst)) : undefined;
  return (app: FastifyInstance): void => {
    app.addHook('onRequest', (request, reply, done) => {
      if (!request.url.startsWith('/v1/')) return done();
      const given = request.headers['x-api-key'];
      let client: string;
      if (typeof given === 'string' && given !== '') {
        const known = options.keys.get(given);
        if (known === undefined) {
          sendProblem(
            reply,
            problem(
              401,
              PROBLEM_TYPES.unauthorized,
              'Unauthorized',
              'the X-Api-Key header does not hold a valid API key; ask the operator for a key, or send no key for anonymous access where allowed',
            ),
          );
          return;
        }
        client = known;
      } else if (options.requireApiKey) {
        sendProblem(reply, problem(401, PROBLEM_TYPES.unauthorized, 'Unauthorized', 'this API needs an API key in the X-Api-Key header'), [
          'www-authenticate',
          'ApiKey header="X-Api-Key"',
        ]);
        return;
      } else {
        client = 'anonymous';
      }
      request.client = client;
      if (buckets) {
        // Anonymous callers are limited per address, identified ones per key.
        const wait = buckets.take(client === 'anonymous' ? `ip:${request.ip}` : `key:${client}`, Date.now());
        if (wait > 0) {
          const detail = `rate limit of ${options.rateLimit} requests per second exceeded for ${client}; retry after the number of seconds in Retry-After`;
          sendProblem(reply, problem(429, PROBLEM_TYPES.rateLimited, 'Too Many Requests', detail), [
            'retry-after',
            String(Math.ceil(wait)),
          ]);
          return;
        }
      }
      done();
    });
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    client: string;
  }
}
