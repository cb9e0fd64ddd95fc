import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { contentEtag } from '../node-http/etag.js';
import { JSON_CONTENT_TYPE } from './answer.js';
import { SCHEMAS_DOCUMENT_ONLY } from './schema-compilers.js';

/** The API's schemas and routes, registered on an instance: the server's own, and the one the document is made from. */
export type DescribeApi = (app: FastifyInstance) => void;

/** Hop-by-hop and length headers of the inner answer: the outer reply sets its own. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

/**
 * GET /openapi.json and the swagger-ui page under /docs, made on the first request for either. Loading
 * @fastify/swagger (with yaml) and @fastify/swagger-ui (with @fastify/static) took about a quarter of
 * `cinedex serve`'s start before it was ready, for pages few requests ask for. Routes cannot be added to
 * a Fastify instance once it listens, so the document comes from a second, private instance that
 * registers the same schemas and routes (`describe`) under the plugins; its handlers never run. The
 * document is fixed once the routes are: made once, tagged by its content ETag. /docs answers are the
 * private instance's, forwarded whole (light-my-request), under the server's own hooks.
 */
export class ApiDocs {
  private inner: Promise<FastifyInstance> | undefined;
  private document: { readonly body: string; readonly etag: string } | undefined;

  constructor(private readonly describe: DescribeApi) {}

  /** The routes that answer from the document, on the serving instance; hidden from the document themselves. */
  register(app: FastifyInstance): void {
    app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
      const { body, etag } = this.document ?? (this.document = await this.made());
      return reply.header('cache-control', 'no-cache').header('etag', etag).header('content-type', JSON_CONTENT_TYPE).send(body);
    });
    const forward = (request: FastifyRequest, reply: FastifyReply) => this.forward(request, reply);
    app.get('/docs', { schema: { hide: true } }, forward);
    app.get('/docs/*', { schema: { hide: true } }, forward);
  }

  private async made(): Promise<{ body: string; etag: string }> {
    const body = JSON.stringify((await this.instance()).swagger());
    return { body, etag: contentEtag(body) };
  }

  private async forward(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    // GET for HEAD too: the serving instance's HEAD route drops the body itself.
    const answer = await (await this.instance()).inject({ method: 'GET', url: request.url, headers: request.headers });
    // Nothing there: the API's own 404 (problem+json), as when the plugins were the server's.
    if (answer.statusCode === 404) {
      reply.callNotFound();
      return reply;
    }
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(name)) reply.header(name, value);
    }
    // An empty body (a 304 of @fastify/static's) is sent as none, so a 304 carries no Content-Length.
    return reply.code(answer.statusCode).send(answer.rawPayload.length > 0 ? answer.rawPayload : null);
  }

  private instance(): Promise<FastifyInstance> {
    this.inner ??= this.build().catch((error: unknown) => {
      // A failure is the request's (a 500); the next request tries again.
      this.inner = undefined;
      throw error;
    });
    return this.inner;
  }

  private async build(): Promise<FastifyInstance> {
    const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([import('@fastify/swagger'), import('@fastify/swagger-ui')]);
    const app = Fastify({ schemaController: SCHEMAS_DOCUMENT_ONLY });
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'cinedex', version: '1', description: 'The wikipedia-movie-data catalogue: search, movies, genres, provenance.' },
      },
      // A shared schema keeps its $id as its name under components/schemas (Movie, Problem…), not def-N.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    this.describe(app);
    await app.ready();
    return app;
  }
}
