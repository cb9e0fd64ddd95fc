import { randomBytes } from 'node:crypto';

const SANE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Request ids: the caller's `X-Request-Id` when it is safe to echo and log, otherwise a new one.
 * A per-process random prefix and a counter are unique enough to find a request in the logs, and
 * cost nothing per request, unlike a UUID. Every id is plain ASCII (http/plain-ascii.ts), given or made: the fast lane's
 * log line copies it without a scan on that promise.
 */
export class RequestIds {
  private readonly prefix = randomBytes(4).toString('hex');
  private counter = 0;

  next(given: string | string[] | undefined): string {
    return typeof given === 'string' && SANE_ID.test(given) ? given : `${this.prefix}-${(this.counter++).toString(36)}`;
  }
}
