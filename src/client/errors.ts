import type { Problem } from './types.js';

/** Every failure of a client call: `code` says which kind, and each kind is its own class. */
export abstract class CinedexError extends Error {
  abstract readonly code: 'API_ERROR' | 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED';
  constructor(
    message: string,
    /** The URL the call requested. */
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The server answered with an error status. The problem+json fields are here as the server sent
 * them; an answer that is not problem+json (a proxy's error page) gets `type` about:blank, the
 * status text as `title` and the start of the body as `detail`.
 */
export class CinedexApiError extends CinedexError {
  readonly code = 'API_ERROR';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  /** The request parameter at fault, for 400s. */
  readonly parameter: string | undefined;

  constructor(url: string, problem: Problem) {
    super(`the server answered ${problem.status} ${problem.title}: ${problem.detail}`, url);
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.parameter = problem.parameter;
  }
}

/** No usable answer: the connection failed, or what came back was not the JSON the API sends. */
export class CinedexNetworkError extends CinedexError {
  readonly code = 'NETWORK_ERROR';
}

/** No complete answer within the call's timeout. */
export class CinedexTimeoutError extends CinedexError {
  readonly code = 'TIMEOUT';
  constructor(
    url: string,
    readonly timeoutMs: number,
  ) {
    super(`the cinedex server at ${new URL(url).origin} did not answer within ${timeoutMs} ms`, url);
  }
}

/** The caller's AbortSignal fired; `cause` is its reason. */
export class CinedexAbortError extends CinedexError {
  readonly code = 'ABORTED';
  constructor(url: string, reason: unknown) {
    super(`the request to ${url} was aborted`, url, { cause: reason });
  }
}
