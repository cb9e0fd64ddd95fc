import type { IncomingMessage, ServerResponse } from 'node:http';
// Imported, not the global: node's `performance` global is a lazy accessor, read through a global IC twice a hit.
import { performance } from 'node:perf_hooks';
import { requestFacts } from '../node-http/request-facts.js';
import type { RequestIds } from '../node-http/request-id.js';
import type { CorsPolicy } from '../node-http/cors.js';
import { internalError, joinHeaders, problemAnswer, type Answer } from './answer.js';
import type { RequestCounters } from './metrics.js';
import { MOVIES_PATH, type MoviesAnswers, type TargetFacts } from './movies-answer.js';
import type { RequestRecorder } from './request-log.js';

const QUESTION_MARK = 63;
/** Where the request id goes in a ready head: `['x-request-id', <id>, …]`. */
const REQUEST_ID_SLOT = 1;

export interface FastLaneOptions {
  readonly answers: MoviesAnswers;
  readonly requestIds: RequestIds;
  /** Headers every answer starts with (nosniff, HSTS), the same list the Fastify hooks apply. */
  readonly securityHeaders: readonly string[];
  /** The CORS headers of each answer, by the request's Origin, as the Fastify hook adds them. */
  readonly cors: CorsPolicy;
  readonly maxUrlBytes: number;
  readonly isDraining: () => boolean;
  readonly recorder: RequestRecorder;
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
 *
 * A cached answer costs what node:http costs to write it plus a little: its whole header list is
 * made once per answer (a ready head, where only the request id changes: writeHead copies it out at
 * once), the metrics it adds to are held here, and the log line's record is built only when logged.
 */
export function createFastLane(options: FastLaneOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { answers, requestIds, securityHeaders, cors, maxUrlBytes, isDraining, recorder, logError } = options;
  // Ready heads by CORS header list (one per allowed origin, shared) and answer: both live as long as they are used.
  const heads = new WeakMap<readonly string[], WeakMap<Answer, string[]>>();
  const leading = (corsHeaders: readonly string[], draining: boolean): string[] => [
    'x-request-id',
    '',
    ...securityHeaders,
    ...(draining ? ['connection', 'close'] : []),
    ...corsHeaders,
  ];
  const headOf = (answer: Answer, corsHeaders: readonly string[]): string[] => {
    let byAnswer = heads.get(corsHeaders);
    if (byAnswer === undefined) {
      byAnswer = new WeakMap();
      heads.set(corsHeaders, byAnswer);
    }
    let head = byAnswer.get(answer);
    if (head === undefined) {
      head = joinHeaders(leading(corsHeaders, false), answer.headers);
      byAnswer.set(answer, head);
    }
    return head;
  };
  // Status codes the lane answers with, each with its metric series, held rather than looked up.
  // The last status's are held apart: a run of hits has one status, and a Map lookup per hit touched its table.
  const counters = new Map<number, RequestCounters>();
  let lastStatus = 0;
  let lastCounters: RequestCounters | undefined;
  const countersOf = (status: number): RequestCounters => {
    if (status === lastStatus && lastCounters !== undefined) return lastCounters;
    let held = counters.get(status);
    if (held === undefined) {
      held = recorder.countersOf(MOVIES_PATH, status, 'anonymous');
      counters.set(status, held);
    }
    lastStatus = status;
    lastCounters = held;
    return held;
  };
  // Written by every answer() call: whether the URL is plain ASCII, as its cached answer remembers. The request id is
  // plain whatever it is (RequestIds makes or accepts no other), so a hit's log line need not scan either string.
  const target: TargetFacts = { plain: false };
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
      answer = answers.answer(url, facts.ifNoneMatch, facts.acceptEncoding, target);
    } catch (error) {
      logError(reqId, error);
      answer = problemAnswer(internalError(reqId));
    }
    const corsHeaders = cors.headersFor(facts.origin);
    // Draining is rare and brief: its head is made per request, in the order the Fastify hooks write.
    const head = isDraining() ? joinHeaders(leading(corsHeaders, true), answer.headers) : headOf(answer, corsHeaders);
    head[REQUEST_ID_SLOT] = reqId;
    res.writeHead(answer.status, head);
    res.end(answer.body);
    const ms = performance.now() - start;
    countersOf(answer.status).observe(ms / 1000);
    if (recorder.logs)
      recorder.log({ reqId, client: 'anonymous', method: 'GET', url, route: MOVIES_PATH, status: answer.status, ms, plain: target.plain });
    return true;
  };
}
