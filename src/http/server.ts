import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { clientErrorHandler } from '../node-http/client-error.js';
import { corsApplies, CorsPolicy, type AllowedOrigins } from '../node-http/cors.js';
import { PROBLEM_TYPES, problem } from '../node-http/problem.js';
import { RequestIds } from '../node-http/request-id.js';
import { createNodeServer, MAX_HEADER_BYTES } from '../node-http/server-factory.js';
import { CursorCodec } from '../query/cursor.js';
import type { CatalogueReader } from '../snapshot/catalogue-reader.js';
import { accessControl, type AccessOptions } from './access.js';
import { internalError, sendProblem } from './answer.js';
import { ApiDocs } from './api-docs.js';
import type { RouteContext } from './context.js';
import { representAnswers } from './representation-hook.js';
import { createFastLane } from './fast-lane.js';
import { HttpMetrics } from './metrics.js';
import { MoviesAnswers } from './movies-answer.js';
import { RequestRecorder } from './request-log.js';
import { ResponseCache } from './response-cache.js';
import { Recompressor } from './recompressor.js';
import { facetValuesRoute } from './routes/facet-values.js';
import { genresRoute } from './routes/genres.js';
import { movieByIdRoutes } from './routes/movie-by-id.js';
import { moviesRoute } from './routes/movies.js';
import { operationsRoutes } from './routes/operations.js';
import { namedSchemas } from './schemas.js';
import { SCHEMAS_DOCUMENT_ONLY } from './schema-compilers.js';

export interface ServerOptions {
  readonly reader: CatalogueReader;
  readonly cursorSecret: string;
  readonly logger: Logger;
  /** Seconds a client or the edge may cache data answers; the refresh interval is the natural value. */
  readonly cacheMaxAgeSeconds: number;
  /** Bytes of finished GET /v1/movies answers kept per process; 0 turns the response cache off. */
  readonly responseCacheBytes: number;
  /**
   * The second compression tier (answers asked for again, recompressed at the best level off the request's
   * path), with its budget (MOVIES_RECOMPRESSION_MS); absent, the tier is off and answers keep their first compression.
   */
  readonly recompressor?: Recompressor;
  /** Most recently used queries answered against a new version before it serves (0: none). */
  readonly warmQueries?: number;
  readonly isDraining?: () => boolean;
  readonly status?: () => Record<string, unknown>;
  readonly registry?: Registry;
  /** API keys and rate limits; absent means anonymous access, unlimited. */
  readonly access?: AccessOptions;
  /** Origins whose scripts may read the API (CORS); `*` when absent, as MOVIES_CORS_ORIGINS defaults. */
  readonly corsOrigins?: AllowedOrigins;
  /** PEM certificate and key: serve HTTPS. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** Extra routes (the search page) registered with the API's error handling. */
  readonly plugins?: readonly ((app: FastifyInstance) => Promise<void> | void)[];
}

export const MAX_URL_BYTES = 8 * 1024;

const HTTP_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
};

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const responses = new ResponseCache(options.responseCacheBytes);
  const recompressor = options.recompressor ?? new Recompressor({ msPerSecond: 0 });
  const metrics = new HttpMetrics(options.reader, options.registry, responses, recompressor);
  const isDraining = options.isDraining ?? (() => false);
  const cacheControl = `public, max-age=${Math.max(0, Math.floor(options.cacheMaxAgeSeconds))}`;
  const answers = new MoviesAnswers({
    reader: options.reader,
    codec: new CursorCodec(options.cursorSecret),
    cache: responses,
    recompressor,
    cacheControl,
  });
  const warmQueries = options.warmQueries ?? 0;
  if (warmQueries > 0) options.reader.beforeSwap?.((next, deadline) => answers.warm(next.index, warmQueries, deadline));
  const ctx: RouteContext = { reader: options.reader, metrics, answers, cacheControl, isDraining, status: options.status ?? (() => ({})) };
  const requestIds = new RequestIds();
  const recorder = new RequestRecorder(options.logger, metrics);
  const securityHeaders = ['x-content-type-options', 'nosniff'];
  if (options.tls) securityHeaders.push('strict-transport-security', 'max-age=31536000');
  const cors = new CorsPolicy(options.corsOrigins ?? '*');
  // Clients that must be identified or limited go through access.ts on every request: no lane then.
  const laneAllowed = !(options.access && (options.access.requireApiKey || options.access.rateLimit > 0));
  const fastLane = laneAllowed
    ? createFastLane({
        answers,
        requestIds,
        securityHeaders,
        cors,
        maxUrlBytes: MAX_URL_BYTES,
        isDraining,
        recorder,
        logError: (reqId, error) => options.logger.error({ reqId, err: error }, 'request failed'),
      })
    : undefined;

  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Our own one line per request (onResponse below) replaces Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // One shared logger instead of a child per request: the request id goes on the one log line.
    childLoggerFactory: (logger) => logger,
    requestIdHeader: false,
    genReqId: (req) => requestIds.next(req.headers['x-request-id']),
    // Fastify runs on a server we create (TLS included), so that the fast lane sees requests first.
    serverFactory: (handler) => createNodeServer(fastLane ? (req, res) => fastLane(req, res) || handler(req, res) : handler, options.tls),
    bodyLimit: 16 * 1024,
    routerOptions: { maxParamLength: 256 },
    // Router-level failures (undecodable path, over-long parameter) get the same problem answers.
    frameworkErrors: (_error, _request, reply) =>
      sendProblem(
        reply,
        problem(
          400,
          PROBLEM_TYPES.badRequest,
          'Bad Request',
          'the path is not valid: undecodable percent-encoding, or a segment longer than 256 characters',
        ),
      ),
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    clientErrorHandler: clientErrorHandler(MAX_HEADER_BYTES),
    schemaController: SCHEMAS_DOCUMENT_ONLY,
  });
  app.decorateRequest('client', 'anonymous');

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    for (let i = 0; i + 1 < securityHeaders.length; i += 2) reply.header(securityHeaders[i] as string, securityHeaders[i + 1]);
    if (isDraining()) reply.header('connection', 'close');
    if (corsApplies(request.url)) {
      const origin = request.headers.origin;
      // A preflight is answered here, before access control: browsers send it without the API key it asks about.
      const preflight =
        request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined
          ? cors.preflightFor(origin)
          : undefined;
      const headers = preflight ?? cors.headersFor(origin);
      for (let i = 0; i + 1 < headers.length; i += 2) reply.header(headers[i] as string, headers[i + 1]);
      if (preflight) {
        reply.header('cache-control', 'no-store').code(204).send();
        return;
      }
    }
    if (request.url.length > MAX_URL_BYTES) {
      sendProblem(
        reply,
        problem(
          414,
          PROBLEM_TYPES.uriTooLong,
          'URI Too Long',
          `the request URL is longer than ${MAX_URL_BYTES} bytes; use fewer or shorter parameters`,
        ),
      );
      return;
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    recorder.record({
      reqId: request.id,
      client: request.client,
      method: request.method,
      url: request.url,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: reply.elapsedTime,
    });
    done();
  });

  if (options.access) accessControl(options.access)(app);
  representAnswers(app, recompressor);
  app.addHook('onClose', (_app, done) => {
    recompressor.close();
    recorder.close();
    done();
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(
        404,
        PROBLEM_TYPES.notFound,
        'Not Found',
        `there is no ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}; see /docs for the API`,
      ),
    ),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return sendProblem(reply, problem(status, PROBLEM_TYPES.badRequest, HTTP_TITLES[status] ?? 'Bad Request', error.message));
    request.log.error({ reqId: request.id, err: error }, 'request failed');
    return sendProblem(reply, internalError(request.id));
  });

  const describe = (on: FastifyInstance): void => {
    for (const schema of namedSchemas) on.addSchema(schema);
    moviesRoute(on, ctx);
    movieByIdRoutes(on, ctx);
    genresRoute(on, ctx);
    facetValuesRoute(on, ctx);
    operationsRoutes(on, ctx);
  };
  describe(app);
  new ApiDocs(describe).register(app);
  for (const plugin of options.plugins ?? []) await plugin(app);
  return app;
}
