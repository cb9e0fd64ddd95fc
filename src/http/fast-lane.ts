import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestFacts } from '../node-http/request-facts.js';
import type { RequestIds } from '../node-http/request-id.js';
import { internalError, problemAnswer, type Answer } from './answer.js';
import { MOVIES_PATH, type MoviesAnswers } from './movies-answer.js';
import type { RequestRecord } from './request-log.js';

const QUESTION_MARK = 63;

export interface FastLaneOptions {
  readonly answers: MoviesAnswers;
  readonly requestIds: RequestIds;
  /** Headers every answer starts with (nosniff, HSTS), the same list the Fastify hooks apply. */
  readonly securityHeaders: readonly string[];
  readonly maxUrlBytes: number;
  readonly isDraining: () => boolean;
  readonly record: (record: RequestRecord) => void;
  readonly logError: (reqId: string, error: unknown) => void;
}

/**
 * Answers anonymous `GET /v1/movies` straight on node:http, before Fastify sees the request;
 * returns false, having written nothing, for anything else.
 *
 * Why it exists: the answer's own work is a few microseconds from the response cache and a few
 * dozen when computed, but a request through Fastify's lifecycle (request and reply objects,
 * hooks, routing) costs more than node:http's whole answer. The lane takes only requests that need
 * no decision but the answer itself: no credentials (an `X-Api-Key` means identifying and possibly
 * refusing the client, which access.ts does; `Authorization` and cookies go the long way too) and
 * within the URL limit. The server does not create the lane at all when keys are required or
 * clients are rate-limited. Answers come from MoviesAnswers, as the Fastify route's do, with the
 * same leading headers, log line and metrics, so the two paths are byte for byte alike.
 */
export function createFastLane(options: FastLaneOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { answers, requestIds, securityHeaders, maxUrlBytes, isDraining, record, logError } = options;
  return (req, res) => {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || url.length > maxUrlBytes || !url.startsWith(MOVIES_PATH)) return false;
    if (url.length > MOVIES_PATH.length && url.charCodeAt(MOVIES_PATH.length) !== QUESTION_MARK) return false;
    // Read from the raw headers: req.headers would build node's whole lower-cased header object.
    const facts = requestFacts(req.rawHeaders);
    if (facts.credentials) return false;

    const start = performance.now();
    const reqId = requestIds.next(facts.requestId);
    let answer: Answer;
    try {
      answer = answers.answer(url.length > MOVIES_PATH.length ? url.slice(MOVIES_PATH.length + 1) : '', facts.ifNoneMatch);
    } catch (error) {
      logError(reqId, error);
      answer = problemAnswer(internalError(reqId));
    }
    // One flat list for writeHead: node then writes it as is, with no header map to build.
    const head = ['x-request-id', reqId, ...securityHeaders];
    if (isDraining()) head.push('connection', 'close');
    res.writeHead(answer.status, head.concat(answer.headers));
    res.end(answer.body);
    record({ reqId, client: 'anonymous', method: 'GET', url, route: MOVIES_PATH, status: answer.status, ms: performance.now() - start });
    return true;
  };
}
