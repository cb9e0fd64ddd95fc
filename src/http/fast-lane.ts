import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestFacts } from '../node-http/request-facts.js';
import type { RequestIds } from '../node-http/request-id.js';
import type { CorsPolicy } from '../node-http/cors.js';
import { internalError, joinHeaders, problemAnswer, type Answer } from './answer.js';
import type { RequestCounters } from './metrics.js';
import { MOVIES_PATH, type MoviesAnswers } from './movies-answer.js';
import type { RequestRecorder } from './request-log.js';

const QUESTION_MARK = 63;
/**
 * The global `performance` is a getter on globalThis: read per request it is a global-load miss and a call (~0.3 µs
 * of a cached answer's ~35 in perf's samples, docs/investigations/cached-answer.md); held here it is read once.
 */
const clock = performance;
/** Where the request id goes in a ready head: `['x-request-id', <id>, …]`. */
const REQUEST_ID_SLOT = 1;

/** An answer's ready heads: the one for the first CORS list it was asked with, and any others by list. */
interface ReadyHeads {
  readonly cors: readonly string[];
  readonly head: string[];
  others: WeakMap<readonly string[], string[]> | undefined;
}

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
  // Ready heads by answer, then by CORS header list (one per allowed origin, shared): both live as long as they are used.
  // The first list an answer is asked with (nearly always the one for no Origin) is held beside the map, so that a hit
  // costs one WeakMap lookup, not two (each ~0.2 µs in perf's samples).
  const heads = new WeakMap<Answer, ReadyHeads>();
  const leading = (corsHeaders: readonly string[], draining: boolean): string[] => [
    'x-request-id',
    '',
    ...securityHeaders,
    ...(draining ? ['connection', 'close'] : []),
    ...corsHeaders,
  ];
  const headOf = (answer: Answer, corsHeaders: readonly string[]): string[] => {
    const ready = heads.get(answer);
    if (ready === undefined) {
      const head = joinHeaders(leading(corsHeaders, false), answer.headers);
      heads.set(answer, { cors: corsHeaders, head, others: undefined });
      return head;
    }
    if (ready.cors === corsHeaders) return ready.head;
    ready.others ??= new WeakMap();
    let head = ready.others.get(corsHeaders);
    if (head === undefined) {
      head = joinHeaders(leading(corsHeaders, false), answer.headers);
      ready.others.set(corsHeaders, head);
    }
    return head;
  };
  // Status codes the lane answers with, each with its metric series, held rather than looked up.
  const counters = new Map<number, RequestCounters>();
  const countersOf = (status: number): RequestCounters => {
    let held = counters.get(status);
    if (held === undefined) {
      held = recorder.countersOf(MOVIES_PATH, status, 'anonymous');
      counters.set(status, held);
    }
    return held;
  };
  return (req, res) => {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || url.length > maxUrlBytes || !url.startsWith(MOVIES_PATH)) return false;
    if (url.length > MOVIES_PATH.length && url.charCodeAt(MOVIES_PATH.length) !== QUESTION_MARK) return false;
    // Read from the raw headers: req.headers would build node's whole lower-cased header object.
    const facts = requestFacts(req.rawHeaders);
    if (facts.credentials) return false;

    const start = clock.now();
    const reqId = requestIds.next(facts.requestId);
    let answer: Answer;
    try {
      answer = answers.answer(url, facts.ifNoneMatch, facts.acceptEncoding);
    } catch (error) {
      logError(reqId, error);
      answer = problemAnswer(internalError(reqId));
    }
    const corsHeaders = cors.headersFor(facts.origin);
    // Draining is rare and brief: its head is made per request, in the order the Fastify hooks write.
    const head = isDraining() ? joinHeaders(leading(corsHeaders, true), answer.headers) : headOf(answer, corsHeaders);
    head[REQUEST_ID_SLOT] = reqId;
    res.writeHead(answer.status, head);
    // writeHead has made the header text: a head left holding the id (an old object pointing at a young string) kept
    // every id alive until its answer's next hit, so scavenges copied and promoted them (docs/investigations/cached-answer.md).
    head[REQUEST_ID_SLOT] = '';
    res.end(answer.body);
    const ms = clock.now() - start;
    countersOf(answer.status).observe(ms / 1000);
    if (recorder.logs) recorder.log({ reqId, client: 'anonymous', method: 'GET', url, route: MOVIES_PATH, status: answer.status, ms });
    return true;
  };
}
