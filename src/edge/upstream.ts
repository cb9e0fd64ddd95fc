import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { UpstreamError } from '../errors/errors.js';
import { ConcurrencyLimit } from './concurrency-limit.js';

export interface UpstreamResponse {
  readonly status: number;
  /** node's flat raw header list. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface UpstreamOptions {
  /** Base URL, no trailing slash; request paths are appended to it. */
  readonly origin: string;
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  /** Answers are buffered whole (to share and to cache them), so their size is bounded. */
  readonly maxBodyBytes: number;
}

/**
 * GET requests to the origin over kept-alive connections, at most `maxConcurrency` at a time (the
 * rest queue). The deadline covers the whole exchange, queueing included: a client waits at most
 * `timeoutMs` for the origin, however busy the edge is.
 */
export class Upstream {
  private readonly limit: ConcurrencyLimit;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;
  private readonly target: { protocol: string; hostname: string; port: string; basePath: string };

  constructor(private readonly options: UpstreamOptions) {
    const url = new URL(options.origin);
    const https = url.protocol === 'https:';
    this.limit = new ConcurrencyLimit(options.maxConcurrency);
    const agentOptions = { keepAlive: true, maxSockets: options.maxConcurrency, maxFreeSockets: options.maxConcurrency };
    this.agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.request = https ? httpsRequest : httpRequest;
    this.target = {
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port,
      basePath: url.pathname.replace(/\/+$/, ''),
    };
  }

  get inFlight(): number {
    return this.limit.running;
  }

  get queued(): number {
    return this.limit.waiting;
  }

  async get(path: string, headers: OutgoingHttpHeaders): Promise<UpstreamResponse> {
    const controller = new AbortController();
    const seconds = this.options.timeoutMs / 1000;
    const timer = setTimeout(
      () => controller.abort(new UpstreamError('UPSTREAM_TIMEOUT', `the origin ${this.options.origin} did not answer within ${seconds} s`)),
      this.options.timeoutMs,
    );
    try {
      const release = await this.limit.acquire(controller.signal);
      try {
        return await this.exchange(path, headers, controller.signal, true);
      } finally {
        release();
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes idle kept-alive connections; in-flight requests finish. */
  close(): void {
    this.agent.destroy();
  }

  private exchange(path: string, headers: OutgoingHttpHeaders, signal: AbortSignal, mayRetry: boolean): Promise<UpstreamResponse> {
    const { protocol, hostname, port, basePath } = this.target;
    return new Promise((resolve, reject) => {
      let answered = false;
      let tooLarge: UpstreamError | undefined;
      const fail = (error: Error) => reject(this.failure(error, signal));
      const req = this.request(
        { protocol, hostname, port, path: basePath + path, method: 'GET', headers, agent: this.agent, signal },
        (res: IncomingMessage) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (tooLarge) return;
            size += chunk.length;
            if (size > this.options.maxBodyBytes) {
              tooLarge = new UpstreamError(
                'UPSTREAM_TOO_LARGE',
                `the origin's answer is larger than ${this.options.maxBodyBytes} bytes, more than the edge relays`,
              );
              reject(tooLarge);
              // The connection is mid-body and cannot be reused.
              req.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 502, rawHeaders: res.rawHeaders, body: exactCopy(chunks, size) }));
          // Also how an origin closing mid-body is noticed (node raises ECONNRESET), at once rather than at the deadline.
          res.on('error', fail);
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the origin closed while idle fails on reuse before any answer;
        // a GET is safe to send again, once, on a fresh connection.
        if (mayRetry && !answered && req.reusedSocket && error.code === 'ECONNRESET' && !signal.aborted) {
          resolve(this.exchange(path, headers, signal, false));
          return;
        }
        fail(error);
      });
      req.end();
    });
  }

  private failure(error: Error, signal: AbortSignal): UpstreamError {
    if (signal.aborted) return signal.reason as UpstreamError;
    if (error instanceof UpstreamError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? error.message;
    return new UpstreamError('UPSTREAM_UNREACHABLE', `the origin ${this.options.origin} failed: ${code}`, code, { cause: error });
  }
}

/**
 * The body in memory of its own, exactly its size. Chunks are slices of node's socket read buffers,
 * and small `Buffer.concat` results come from the shared 8 KiB pool: a cached body kept as either
 * would hold on to more memory than the cache counts.
 */
function exactCopy(chunks: readonly Buffer[], size: number): Buffer {
  const body = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(body, at);
  return body;
}
